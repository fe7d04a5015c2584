// /settings/sessions: where I am signed in, and revoking any of those sessions.
import { Elysia } from 'elysia';
import { sessionsPage } from '../../views/settings.pages';
import type { AppDeps } from '../app-deps';
import { serializeCookie, sessionCookie } from '../web/cookies';
import { requireViewer } from '../web/guards';
import { json, page, redirect } from '../web/respond';

export function sessionsRoutes(deps: Pick<AppDeps, 'contexts' | 'sessions'>) {
  return new Elysia({ name: 'sessions' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/settings/sessions', async ({ ctx }) => {
      const user = requireViewer(ctx);
      const sessions = await deps.sessions.list(user.id);
      if (ctx.wantsJson) return json(ctx, { sessions: sessions.map((s) => ({ ...s, current: s.id === ctx.sessionId })) });
      return page(ctx, sessionsPage(ctx, sessions));
    })
    .post('/settings/sessions/:id/revoke', async ({ ctx, params }) => {
      const user = requireViewer(ctx);
      await deps.sessions.revoke(user.id, params.id);
      if (params.id === ctx.sessionId) {
        ctx.setCookies.push(serializeCookie(sessionCookie, '', { secure: ctx.secureCookies, maxAgeSeconds: 0 }));
        return redirect(ctx, '/login', { fullPage: true });
      }
      return redirect(ctx, '/settings/sessions');
    });
}
