// Reports for admins (/admin/reports: the lists, the evidence player's audio, the decisions) and for
// hosts (/studio/reports: reports about their rooms, read-only, without who filed them).
import { Elysia, t } from 'elysia';
import { adminReportsPage, studioReportsFragment, studioReportsPage, type AdminReportView } from '../../views/admin-reports.page';
import type { AppDeps } from '../app-deps';
import { serveReplayFile } from '../recording/replay/replay-audio';
import { requireAdmin, requireViewer } from '../web/guards';
import { json, page, redirect, swapsInto } from '../web/respond';
import { isReportAction, parseStageSnapshot, reportActions, reportStatuses, type ReportStatus } from './reports.model';
import { NotFound } from '../shared/errors';
import type { AdminReportRow } from './reports.repository';

const idParams = t.Object({ id: t.String({ pattern: '^[1-9][0-9]{0,11}$' }) });

export function reportsRoutes(deps: Pick<AppDeps, 'contexts' | 'live' | 'reports'>) {
  const describe = async (r: AdminReportRow): Promise<AdminReportView> => {
    const live = r.room_id ? deps.live.get(r.room_id) : undefined;
    const isLive = !!live && live.state.status === 'live';
    const content = r.room_id ? await deps.reports.contentOfRoom(r.room_id) : { hasReplay: false, clips: [] };
    return { ...r, snapshot: parseStageSnapshot(r.stage_snapshot), live: isLive, targetInRoom: isLive && !!r.target_participant && !!live!.state.get(r.target_participant), ...content };
  };
  return new Elysia({ name: 'reports' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get(
      '/admin/reports',
      async ({ ctx, query }) => {
        requireAdmin(ctx);
        const status: ReportStatus = (reportStatuses as readonly string[]).includes(query.status ?? '') ? (query.status as ReportStatus) : 'open';
        const pageNumber = Math.min(Math.max(1, Math.floor(Number(query.page) || 1)), 10_000);
        const { rows, hasMore } = await deps.reports.list(status, pageNumber);
        const reports = await Promise.all(rows.map(describe));
        if (ctx.wantsJson) return json(ctx, { status, page: pageNumber, hasMore, reports });
        return page(ctx, adminReportsPage(ctx, { status, reports, page: pageNumber, hasMore, openCount: await deps.reports.countOpen(), done: query.done }));
      },
      { query: t.Object({ status: t.Optional(t.String({ maxLength: 20 })), page: t.Optional(t.String({ maxLength: 20 })), done: t.Optional(t.String({ maxLength: 20 })) }) },
    )
    .get(
      '/admin/reports/:id/evidence',
      async ({ ctx, params, request }) => {
        requireAdmin(ctx);
        const path = await deps.reports.evidenceFile(Number(params.id));
        if (!(await Bun.file(path).exists())) throw new NotFound('The evidence file is missing');
        return serveReplayFile({ path, type: 'audio/ogg', isPublic: false, request });
      },
      { params: idParams },
    )
    .post(
      '/admin/reports/:id/:action',
      async ({ ctx, params, body }) => {
        const admin = requireAdmin(ctx);
        if (!isReportAction(params.action)) throw new NotFound(`No such action: use one of ${Object.keys(reportActions).join(', ')}`);
        const report = await deps.reports.decide(admin, Number(params.id), params.action, { note: body?.note, clipId: body?.clip });
        if (ctx.wantsJson) return json(ctx, { report });
        return redirect(ctx, `/admin/reports?status=${report.status}&done=1#report-${report.id}`);
      },
      {
        params: t.Object({ id: t.String({ pattern: '^[1-9][0-9]{0,11}$' }), action: t.String({ maxLength: 20 }) }),
        body: t.Optional(t.Object({ note: t.Optional(t.String({ maxLength: 500 })), clip: t.Optional(t.String({ maxLength: 40 })), _csrf: t.Optional(t.String({ maxLength: 200 })) })),
      },
    )
    .get('/studio/reports', async ({ ctx }) => {
      const viewer = requireViewer(ctx);
      const reports = await deps.reports.aboutRoomsOf(viewer);
      if (ctx.wantsJson) return json(ctx, { reports });
      if (swapsInto(ctx, 'studio-reports')) return page(ctx, studioReportsFragment(ctx, reports));
      return page(ctx, studioReportsPage(ctx, reports));
    });
}
