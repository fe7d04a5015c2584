// Sign up, log in, log out.
import { Elysia, t } from 'elysia';
import { loginPage, signupPage } from '../../views/auth.pages';
import type { AppDeps } from '../app-deps';
import { serializeCookie, sessionCookie } from '../web/cookies';
import { FormInvalid } from '../shared/form-errors';
import { formRejected, page, redirect, safeNext } from '../web/respond';
import type { RequestContext } from '../web/request-context';

const text = (max: number) => t.Optional(t.String({ maxLength: max }));
const signupBody = t.Object({ handle: text(200), displayName: text(200), email: text(400), password: text(1000), inviteCode: text(100), _csrf: text(200) });
const loginBody = t.Object({ login: text(400), password: text(1000), next: text(2000), _csrf: text(200) });

export function authRoutes(deps: Pick<AppDeps, 'contexts' | 'limiter' | 'log' | 'login' | 'registration' | 'sessions' | 'settings' | 'users'>) {
  const startSession = async (ctx: RequestContext, userId: number, location: string) => {
    const token = await deps.sessions.create(userId, { userAgent: ctx.request.headers.get('user-agent') ?? '', ip: ctx.ip });
    ctx.setCookies.push(serializeCookie(sessionCookie, token, { secure: ctx.secureCookies, maxAgeSeconds: 30 * 24 * 3600 }));
    return redirect(ctx, location, { fullPage: true }); // a new identity: the page (and any room socket) starts afresh
  };
  const signupView = async (values: Record<string, string | undefined>) => ({
    mode: deps.settings.get().registrationMode,
    firstAccount: (await deps.users.count()) === 0,
    values: { ...values, password: '' } as Record<string, string>,
  });

  return new Elysia({ name: 'auth' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/signup', async ({ ctx, query }) => {
      if (ctx.viewer) return redirect(ctx, '/');
      return page(ctx, signupPage(ctx, { ...(await signupView({ inviteCode: query.invite })), errors: [] }));
    })
    .get('/invite/:code', ({ ctx, params }) => redirect(ctx, `/signup?invite=${encodeURIComponent(params.code)}`))
    .post(
      '/signup',
      async ({ ctx, body }) => {
        try {
          const limit = deps.limiter.hit(`signup-ip:${ctx.ip}`, ctx.settings.signupsPerIpPerHour, 3600_000);
          if (!limit.allowed) {
            throw new FormInvalid([{ field: 'form', key: 'signup.rateLimited', params: { minutes: Math.ceil(limit.retryAfterMs / 60_000) } }], 'tooMany');
          }
          const user = await deps.registration.signUp({
            handle: body.handle ?? '',
            email: body.email ?? '',
            password: body.password ?? '',
            displayName: body.displayName,
            inviteCode: body.inviteCode,
          });
          return await startSession(ctx, user.id, `/@${user.handle}`);
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          const view = await signupView(body);
          return formRejected(ctx, error, (errors) => signupPage(ctx, { ...view, errors }));
        }
      },
      { body: signupBody },
    )
    .get('/login', ({ ctx, query }) => {
      const next = safeNext(query.next, ctx.url.origin);
      if (ctx.viewer) return redirect(ctx, next);
      return page(ctx, loginPage(ctx, { values: {}, errors: [], next }));
    })
    .post(
      '/login',
      async ({ ctx, body }) => {
        const next = safeNext(body.next, ctx.url.origin);
        try {
          const user = await deps.login.logIn(body.login ?? '', body.password ?? '', ctx.ip);
          return await startSession(ctx, user.id, next);
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          return formRejected(ctx, error, (errors) => loginPage(ctx, { values: { login: body.login ?? '' }, errors, next }));
        }
      },
      { body: loginBody },
    )
    .post('/logout', async ({ ctx }) => {
      // The cookie is cleared either way; a session left valid in the database is worth an error line.
      const notRevoked = (error: unknown) => deps.log.error('could not revoke the session at sign-out', { user: ctx.viewer?.id, error });
      if (ctx.viewer && ctx.sessionId) await deps.sessions.revoke(ctx.viewer.id, ctx.sessionId).catch(notRevoked);
      ctx.setCookies.push(serializeCookie(sessionCookie, '', { secure: ctx.secureCookies, maxAgeSeconds: 0 }));
      return redirect(ctx, '/', { fullPage: true });
    });
}
