// /admin/audit: the audit log for admins, newest first, filtered and paged. There is no route that
// edits or deletes an entry (and the database refuses it).
import { Elysia, t } from 'elysia';
import { adminAuditPage } from '../../views/admin-audit.page';
import type { AppDeps } from '../app-deps';
import { requireAdmin } from '../web/guards';
import { json, page } from '../web/respond';
import type { AuditFilter } from './audit-log';

const pageSize = 50;
const day = t.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' });
const auditQuery = t.Object({
  action: t.Optional(t.String({ maxLength: 100 })),
  actor: t.Optional(t.String({ maxLength: 100 })),
  target: t.Optional(t.String({ maxLength: 100 })),
  room: t.Optional(t.String({ maxLength: 40 })),
  from: t.Optional(day),
  to: t.Optional(day),
  page: t.Optional(t.Integer({ minimum: 0, maximum: 100_000 })),
});

export function auditRoutes(deps: Pick<AppDeps, 'audit' | 'contexts'>) {
  return new Elysia({ name: 'audit' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get(
      '/admin/audit',
      async ({ ctx, query }) => {
        requireAdmin(ctx);
        const filter: AuditFilter = {};
        for (const key of ['action', 'actor', 'target', 'room', 'from', 'to'] as const) {
          const value = query[key]?.trim();
          if (value) filter[key] = value;
        }
        const pageIndex = query.page ?? 0;
        const rows = await deps.audit.list(filter, pageSize + 1, pageIndex * pageSize);
        const entries = rows.slice(0, pageSize);
        if (ctx.wantsJson) return json(ctx, { entries, page: pageIndex, hasMore: rows.length > pageSize });
        return page(ctx, adminAuditPage(ctx, { entries, filter, actions: await deps.audit.actions(), page: pageIndex, hasMore: rows.length > pageSize }));
      },
      { query: auditQuery },
    );
}
