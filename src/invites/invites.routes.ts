// /settings/invites: create, list and revoke my invitation codes.
import { Elysia, t } from 'elysia';
import { invitesPage } from '../../views/settings.pages';
import type { AppDeps } from '../app-deps';
import { FormInvalid, type FieldError } from '../shared/form-errors';
import { requireViewer } from '../web/guards';
import { formRejected, json, page, redirect } from '../web/respond';
import type { RequestContext } from '../web/request-context';
import type { User } from '../db/schema';
import { inviteState } from './invites.service';

export function invitesRoutes(deps: Pick<AppDeps, 'contexts' | 'invites'>) {
  const render = async (ctx: RequestContext, user: User, errors: FieldError[]) =>
    invitesPage(ctx, {
      invites: (await deps.invites.listFor(user.id)).map((invite) => ({ ...invite, state: inviteState(invite) })),
      remaining: await deps.invites.remainingQuota(user),
      isAdmin: user.role === 'admin',
      baseUrl: deps.contexts.expectedOrigin(ctx.request),
      errors,
    });

  return new Elysia({ name: 'invites' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/settings/invites', async ({ ctx }) => {
      const user = requireViewer(ctx);
      if (ctx.wantsJson) return json(ctx, { invites: await deps.invites.listFor(user.id), remaining: await deps.invites.remainingQuota(user) });
      return page(ctx, await render(ctx, user, []));
    })
    .post(
      '/settings/invites',
      async ({ ctx, body }) => {
        const user = requireViewer(ctx);
        try {
          const raw = body.maxUses?.trim();
          const maxUses = raw === undefined || raw === '' ? (user.role === 'admin' ? null : 1) : /^\d+$/.test(raw) ? Number(raw) : NaN;
          const invite = await deps.invites.create(user, maxUses);
          if (ctx.wantsJson) return json(ctx, { code: invite.code, maxUses: invite.max_uses }, 201);
          return redirect(ctx, '/settings/invites');
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          const html = await render(ctx, user, error.errors);
          return formRejected(ctx, error, () => html);
        }
      },
      { body: t.Object({ maxUses: t.Optional(t.String({ maxLength: 10 })), _csrf: t.Optional(t.String({ maxLength: 200 })) }) },
    )
    .post('/settings/invites/:code/revoke', async ({ ctx, params }) => {
      const user = requireViewer(ctx);
      await deps.invites.revoke(user, params.code);
      return redirect(ctx, '/settings/invites');
    });
}
