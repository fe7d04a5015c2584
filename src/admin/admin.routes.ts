// /admin: instance settings, user management and storage. Admins only, enforced here for every route.
import { Elysia, t } from 'elysia';
import { adminSettingsPage, adminStoragePage, adminUsersPage, settingsFormValues } from '../../views/admin.pages';
import type { AppDeps } from '../app-deps';
import type { InstanceSettings } from '../settings/settings.schema';
import { registrationModes, settingRules } from '../settings/settings.schema';
import { FormInvalid, type FieldError } from '../shared/form-errors';
import { requireAdmin } from '../web/guards';
import { formRejected, json, page, redirect } from '../web/respond';
import type { RequestContext } from '../web/request-context';
import { adminActions, type AdminAction } from './admin.service';
import { adminNetworkRoutes } from './admin-network.routes';
import { httpsProblem } from './network-report';
import { AuditLog, auditActionNames } from '../audit/audit-log';

const pageSize = 50;
const usersQuery = t.Object({
  q: t.Optional(t.String()),
  page: t.Optional(t.Integer({ minimum: 0, maximum: 100_000 })), // bounded: the SQL offset stays an ordinary integer
  created: t.Optional(t.String()),
});

export function adminRoutes(deps: Pick<AppDeps, 'admin' | 'audit' | 'config' | 'contexts' | 'log' | 'pool' | 'registration' | 'settings' | 'social' | 'users'>) {
  const usersView = async (ctx: RequestContext, query: string, pageIndex: number, extra: { values?: Record<string, string>; errors?: FieldError[]; created?: string } = {}) => {
    const rows = await deps.users.search(query, pageSize + 1, pageIndex * pageSize);
    const shown = rows.slice(0, pageSize);
    const counts = await deps.social.countsOf(shown.map((u) => u.id)); // one query for the page
    return adminUsersPage(ctx, {
      users: shown.map((u) => ({ ...u, followers: counts.get(u.id)!.followers })),
      query,
      page: pageIndex,
      hasMore: rows.length > pageSize,
      values: extra.values ?? {},
      errors: extra.errors ?? [],
      created: extra.created,
    });
  };

  return new Elysia({ name: 'admin' })
    .use(adminNetworkRoutes(deps))
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/admin/settings', ({ ctx, query }) => {
      requireAdmin(ctx);
      if (ctx.wantsJson) return json(ctx, deps.settings.get());
      return page(ctx, adminSettingsPage(ctx, { values: settingsFormValues(deps.settings.get()), errors: [], saved: query.saved === '1', registrationModes, httpsProblem: httpsProblem(deps.config) }));
    })
    .post(
      '/admin/settings',
      async ({ ctx, body }) => {
        const admin = requireAdmin(ctx);
        const input: Partial<Record<keyof InstanceSettings, unknown>> = {};
        for (const key of Object.keys(settingRules) as (keyof InstanceSettings)[]) if (key in body) input[key] = (body as Record<string, unknown>)[key];
        try {
          const before = deps.settings.get();
          const saved = await deps.settings.update(input);
          const changed = (Object.keys(input) as (keyof InstanceSettings)[]).filter((key) => before[key] !== saved[key]);
          if (changed.length) {
            const pick = (from: Readonly<InstanceSettings>) => Object.fromEntries(changed.map((key) => [key, from[key]]));
            void deps.audit.record({ actor: AuditLog.admin(admin), action: auditActionNames.settingsUpdate, target: { type: 'settings', id: changed.join(','), name: changed.join(', ') }, previous: pick(before), details: { values: pick(saved) } });
          }
          if (ctx.wantsJson) return json(ctx, saved);
          return redirect(ctx, '/admin/settings?saved=1');
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          const values = { ...settingsFormValues(deps.settings.get()), ...(input as Record<string, string>) };
          return formRejected(ctx, error, (errors) => adminSettingsPage(ctx, { values, errors, registrationModes }));
        }
      },
      { body: t.Record(t.String(), t.Union([t.String({ maxLength: 1000 }), t.Number()])) },
    )
    .get('/admin/storage', async ({ ctx }) => {
      requireAdmin(ctx);
      const quotaMb = deps.settings.get().hostStorageQuotaMb;
      const report = await deps.admin.storage(quotaMb);
      if (ctx.wantsJson) return json(ctx, report);
      return page(ctx, adminStoragePage(ctx, report, quotaMb));
    })
    .get('/admin/users', async ({ ctx, query }) => {
      requireAdmin(ctx);
      const q = (query.q ?? '').slice(0, 100);
      const pageIndex = query.page ?? 0;
      if (ctx.wantsJson) {
        const users = await deps.users.search(q, pageSize, pageIndex * pageSize);
        return json(ctx, { users: users.map(({ password_hash: _p, ...u }) => u) });
      }
      return page(ctx, await usersView(ctx, q, pageIndex, { created: query.created }));
    }, { query: usersQuery })
    .post(
      '/admin/users',
      async ({ ctx, body }) => {
        requireAdmin(ctx);
        try {
          const user = await deps.registration.createByAdmin({ handle: body.handle ?? '', email: body.email ?? '', password: body.password ?? '' });
          if (ctx.wantsJson) return json(ctx, { id: user.id, handle: user.handle }, 201);
          return redirect(ctx, `/admin/users?created=${encodeURIComponent(user.handle)}`);
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          const html = await usersView(ctx, '', 0, { values: { handle: body.handle ?? '', email: body.email ?? '' }, errors: error.errors });
          return formRejected(ctx, error, () => html);
        }
      },
      {
        body: t.Object({
          handle: t.Optional(t.String({ maxLength: 200 })),
          email: t.Optional(t.String({ maxLength: 400 })),
          password: t.Optional(t.String({ maxLength: 1000 })),
          _csrf: t.Optional(t.String({ maxLength: 200 })),
        }),
      },
    )
    .post(
      '/admin/users/:id/:action',
      async ({ ctx, params }) => {
        const admin = requireAdmin(ctx);
        const user = await deps.admin.apply(admin, params.id, params.action as AdminAction);
        if (ctx.wantsJson) {
          const { password_hash: _p, ...visible } = user;
          return json(ctx, visible);
        }
        return redirect(ctx, `/admin/users#user-${user.id}`);
      },
      { params: t.Object({ id: t.Numeric({ minimum: 1 }), action: t.UnionEnum([...adminActions]) }) },
    );
}

