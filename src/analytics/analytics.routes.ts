// /admin (the dashboard, admins) and /r/<id>/analytics (the room's host, co-hosts and admins).
import { Elysia, t } from 'elysia';
import { adminDashboardPage } from '../../views/admin-dashboard.page';
import { roomAnalyticsPage } from '../../views/room-analytics.page';
import type { AppDeps } from '../app-deps';
import { requireAdmin } from '../web/guards';
import { json, page } from '../web/respond';

export function analyticsRoutes(deps: Pick<AppDeps, 'contexts' | 'dashboard' | 'roomAnalytics'>) {
  return new Elysia({ name: 'analytics' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/admin', async ({ ctx }) => {
      requireAdmin(ctx);
      const dashboard = await deps.dashboard.build();
      if (ctx.wantsJson) return json(ctx, dashboard);
      return page(ctx, adminDashboardPage(ctx, dashboard));
    })
    .get(
      '/r/:id/analytics',
      async ({ ctx, params }) => {
        const room = await deps.roomAnalytics.authorize(ctx.viewer, params.id); // host, co-hosts, admins
        const report = await deps.roomAnalytics.report(room);
        if (ctx.wantsJson) return json(ctx, report);
        return page(ctx, roomAnalyticsPage(ctx, report));
      },
      { params: t.Object({ id: t.String({ maxLength: 40 }) }) },
    );
}
