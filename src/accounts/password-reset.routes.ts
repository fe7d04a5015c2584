// Forgotten password: ask for a link by email (same answer whether or not an account matches),
// then set a new password through the link.
import { Elysia, t } from 'elysia';
import { forgotPasswordPage, resetLinkInvalidPage, resetPasswordPage } from '../../views/password-reset.pages';
import type { AppDeps } from '../app-deps';
import { NotFound } from '../shared/errors';
import { FormInvalid } from '../shared/form-errors';
import { serializeCookie, sessionCookie } from '../web/cookies';
import { formRejected, json, page, redirect } from '../web/respond';
import type { RequestContext } from '../web/request-context';

const text = (max: number) => t.Optional(t.String({ maxLength: max }));
const tokenParams = t.Object({ token: t.String({ maxLength: 100 }) });

export function passwordResetRoutes(deps: Pick<AppDeps, 'contexts' | 'mailer' | 'passwordResets' | 'sessions'>) {
  const linkInvalid = (ctx: RequestContext) =>
    ctx.wantsJson ? json(ctx, { error: 'This password reset link is invalid, used or expired' }, 404) : page(ctx, resetLinkInvalidPage(ctx), 404);

  return new Elysia({ name: 'password-reset' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/password/forgot', ({ ctx }) => page(ctx, forgotPasswordPage(ctx, { byEmail: deps.passwordResets.byEmail, values: {}, errors: [] })))
    .post(
      '/password/forgot',
      ({ ctx, body }) => {
        const byEmail = deps.passwordResets.byEmail;
        if (!byEmail) {
          // An ordinary answer (the instance works as set up): the page says whom to ask.
          if (ctx.wantsJson) return json(ctx, { ok: false, error: 'Email is not set up on this instance: ask an administrator to reset your password' });
          return page(ctx, forgotPasswordPage(ctx, { byEmail, values: {}, errors: [] }));
        }
        try {
          // Links point where the admin set email up (or publicUrl), never to this request's Host header.
          deps.passwordResets.request(body.login ?? '', ctx.ip, deps.mailer.linkOrigin() || deps.contexts.expectedOrigin(ctx.request));
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          return formRejected(ctx, error, (errors) => forgotPasswordPage(ctx, { byEmail, values: { login: body.login ?? '' }, errors }));
        }
        if (ctx.wantsJson) return json(ctx, { ok: true, message: 'If an account matches, we sent a link to its email address.' });
        return page(ctx, forgotPasswordPage(ctx, { byEmail, values: {}, errors: [], sent: true }));
      },
      { body: t.Object({ login: text(400), _csrf: text(200) }) },
    )
    .get(
      '/password/reset/:token',
      async ({ ctx, params }) => {
        const user = await deps.passwordResets.userFor(params.token);
        if (!user) return linkInvalid(ctx);
        if (ctx.wantsJson) return json(ctx, { handle: user.handle });
        return page(ctx, resetPasswordPage(ctx, { token: params.token, handle: user.handle, errors: [] }));
      },
      { params: tokenParams },
    )
    .post(
      '/password/reset/:token',
      async ({ ctx, params, body }) => {
        try {
          const user = await deps.passwordResets.reset(params.token, body.password ?? '', body.passwordConfirm ?? '');
          // Every session ended with the old password; this browser starts a fresh one.
          const token = await deps.sessions.create(user.id, { userAgent: ctx.request.headers.get('user-agent') ?? '', ip: ctx.ip });
          ctx.setCookies.push(serializeCookie(sessionCookie, token, { secure: ctx.secureCookies, maxAgeSeconds: 30 * 24 * 3600 }));
          return redirect(ctx, `/@${user.handle}`, { fullPage: true });
        } catch (error) {
          if (error instanceof NotFound) return linkInvalid(ctx);
          if (!(error instanceof FormInvalid)) throw error;
          const user = await deps.passwordResets.userFor(params.token);
          return formRejected(ctx, error, (errors) => resetPasswordPage(ctx, { token: params.token, handle: user?.handle ?? '', errors }));
        }
      },
      { params: tokenParams, body: t.Object({ password: text(1000), passwordConfirm: text(1000), _csrf: text(200) }) },
    );
}
