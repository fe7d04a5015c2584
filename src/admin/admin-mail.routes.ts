// /admin/email: SMTP settings and a test email to the admin; and the password reset link an admin
// makes for someone (works with or without email). Admins only, enforced here for every route.
import { Elysia, t } from 'elysia';
import { adminMailPage, type AdminMailView } from '../../views/admin-mail.page';
import { adminResetLinkPage } from '../../views/password-reset.pages';
import type { AppDeps } from '../app-deps';
import { MailError } from '../mail/mailer';
import { smtpSecurities } from '../mail/mail-settings';
import { mailLanguage, testMail } from '../mail/mail-templates';
import { FormInvalid } from '../shared/form-errors';
import { requireAdmin } from '../web/guards';
import { formRejected, json, page, redirect } from '../web/respond';
import type { RequestContext } from '../web/request-context';

const text = (max: number) => t.Optional(t.String({ maxLength: max }));

export function adminMailRoutes(deps: Pick<AppDeps, 'config' | 'contexts' | 'log' | 'mailer' | 'mailSettings' | 'passwordResets' | 'settings'>) {
  const view = (ctx: RequestContext, extra: Partial<AdminMailView> = {}): AdminMailView => {
    const { passwordSet, ...values } = deps.mailSettings.visible();
    return {
      values,
      passwordSet,
      configured: deps.mailer.configured,
      errors: [],
      linkOrigin: deps.mailer.linkOrigin() || deps.contexts.expectedOrigin(ctx.request),
      publicUrlSet: deps.config.publicUrl !== '',
      securities: smtpSecurities,
      ...extra,
    };
  };

  return new Elysia({ name: 'admin-mail' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/admin/email', ({ ctx, query }) => {
      requireAdmin(ctx);
      if (ctx.wantsJson) return json(ctx, { ...deps.mailSettings.visible(), configured: deps.mailer.configured });
      return page(ctx, adminMailPage(ctx, view(ctx, { saved: query.saved === '1' })));
    })
    .post(
      '/admin/email',
      async ({ ctx, body }) => {
        const admin = requireAdmin(ctx);
        try {
          await deps.mailSettings.update({ ...body, clearPassword: body.clearPassword === 'yes' }, deps.contexts.expectedOrigin(ctx.request));
          deps.log.info('email settings changed', { admin: admin.id, host: deps.mailSettings.get().host });
          if (ctx.wantsJson) return json(ctx, { ...deps.mailSettings.visible(), configured: deps.mailer.configured });
          return redirect(ctx, '/admin/email?saved=1');
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          const typed = { host: body.host ?? '', port: body.port ?? '', security: body.security ?? '', user: body.user ?? '', from: body.from ?? '' };
          return formRejected(ctx, error, (errors) => adminMailPage(ctx, { ...view(ctx), values: typed, errors }));
        }
      },
      {
        body: t.Object({
          host: text(300),
          port: t.Optional(t.Union([t.String({ maxLength: 20 }), t.Number()])),
          security: text(20),
          user: text(300),
          password: text(1000),
          clearPassword: text(10),
          from: text(400),
          _csrf: text(200),
        }),
      },
    )
    .post('/admin/email/test', async ({ ctx }) => {
      const admin = requireAdmin(ctx);
      const settings = deps.settings.get();
      const origin = deps.mailer.linkOrigin() || deps.contexts.expectedOrigin(ctx.request);
      try {
        await deps.mailer.send({ to: admin.email, ...testMail(mailLanguage(admin.language, settings.defaultLanguage), { instanceName: settings.instanceName, origin }) });
        deps.log.info('test email sent', { admin: admin.id });
        if (ctx.wantsJson) return json(ctx, { ok: true, to: admin.email });
        return page(ctx, adminMailPage(ctx, view(ctx, { test: { ok: true, to: admin.email } })));
      } catch (error) {
        if (!(error instanceof MailError)) throw error;
        deps.log.warn('test email failed', { admin: admin.id, reason: error.message });
        // 200: the outcome (with the server's reason) is the answer to the admin's question, not a broken request.
        if (ctx.wantsJson) return json(ctx, { ok: false, error: error.message, code: error.key });
        return page(ctx, adminMailPage(ctx, view(ctx, { test: { ok: false, key: error.key, params: error.params } })));
      }
    })
    .post(
      '/admin/users/:id/reset-link',
      async ({ ctx, params }) => {
        const admin = requireAdmin(ctx);
        const issued = await deps.passwordResets.issueByAdmin(admin, params.id, deps.contexts.expectedOrigin(ctx.request));
        if (ctx.wantsJson) return json(ctx, { handle: issued.user.handle, link: issued.link, expiresAt: issued.expiresAt.toISOString() });
        return page(ctx, adminResetLinkPage(ctx, { userId: issued.user.id, handle: issued.user.handle, link: issued.link, expiresAt: issued.expiresAt }));
      },
      { params: t.Object({ id: t.Numeric({ minimum: 1 }) }) },
    );
}
