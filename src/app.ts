// Composes the feature plugins into one Elysia app: security headers, CSRF check, one error handler.
import { Elysia } from 'elysia';
import type { AppDeps } from './app-deps';
import { authRoutes } from './accounts/auth.routes';
import { sessionsRoutes } from './accounts/sessions.routes';
import { adminRoutes } from './admin/admin.routes';
import { auditRoutes } from './audit/audit.routes';
import { analyticsRoutes } from './analytics/analytics.routes';
import { adminRoomsRoutes } from './admin/admin-rooms.routes';
import { adminMailRoutes } from './admin/admin-mail.routes';
import { passwordResetRoutes } from './accounts/password-reset.routes';
import { healthRoutes } from './health/health.routes';
import { homeRoutes } from './home/home.routes';
import { invitesRoutes } from './invites/invites.routes';
import { profileRoutes } from './profiles/profiles.routes';
import { settingsRoutes } from './profiles/settings.routes';
import { roomSocketRoutes } from './realtime/room-socket.routes';
import { roomRoutes } from './rooms/rooms.routes';
import { clipsRoutes } from './recording/clips/clips.routes';
import { feedRoutes } from './recording/feed/feed.routes';
import { replayRoutes } from './recording/replay/replays.routes';
import { hlsRoutes } from './hls/hls.routes';
import { hlsFastRoutes } from './hls/hls-fast-path';
import { scheduleRoutes } from './schedules/schedules.routes';
import { notificationsRoutes } from './notifications/notifications.routes';
import { notificationSettingsRoutes } from './notifications/notification-settings.routes';
import { reportsRoutes } from './reports/reports.routes';
import { metricsRoutes } from './metrics/metrics.routes';
import { yourDataRoutes } from './accounts/account-data.routes';
import { sharingRoutes } from './sharing/sharing.routes';
import { maxAvatarBytes } from './profiles/avatar.service';
import { staticRoutes } from './web/static.routes';
import { appShellRoutes } from './web/app-shell.routes';
import { bodyLimits, defaultBodyLimit, parseJsonWithinDepth } from './web/body-limits';
import { checkCsrf } from './web/csrf';
import { embedSecurityHeaders, isEmbedPath, securityHeaders } from './web/security-headers';
import { AppError } from './shared/errors';
import { FormInvalid, englishMessage } from './shared/form-errors';
import { httpStatus } from './web/error-status';
import { json, page, redirect } from './web/respond';
import { errorPage } from '../views/error.page';

export type { AppDeps } from './app-deps';

export function createApp(deps: AppDeps) {
  const headers = securityHeaders(deps.config);
  const embedHeaders = embedSecurityHeaders(deps.config); // /embed/* may be framed by other sites
  // Routes that take more than the default body: the profile form carries an avatar image next to its text fields.
  const limits = bodyLimits({ '/settings/profile': maxAvatarBytes + defaultBodyLimit });
  // Live HLS's hot path runs in Bun's router before the app; what it does not answer comes back here.
  const fastRoutes = hlsFastRoutes(deps, (request) => app.fetch(request));
  const app = new Elysia({ serve: { maxRequestBodySize: limits.maxRequestBodyBytes, routes: fastRoutes as never } })
    .onRequest(({ request }) => deps.metrics.requests.start(request)) // the latency histogram of /metrics
    .onAfterResponse({ as: 'global' }, (c) => deps.metrics.requests.finish(c.request, c.route, sentStatus(c)))
    .onRequest(({ request, set }) => {
      Object.assign(set.headers, isEmbedPath(request.url) ? embedHeaders : headers);
    })
    .onRequest(({ request }) => limits.enforce(request))
    .onParse(({ request, contentType }) => parseJsonWithinDepth(request, contentType))
    .onTransform(({ request, body }) => checkCsrf(request, body, deps.contexts.expectedOrigin(request)))
    .onError(async ({ code, error, request, server }) => {
      const { status, body } = describeError(code, error);
      if (status >= 500) deps.log.error('request failed', { method: request.method, url: request.url, error });
      const ctx = await deps.contexts.build(request, server ?? null).catch(() => undefined);
      if (!ctx) return Response.json(body, { status });
      if (ctx.wantsJson || !(request.headers.get('accept') ?? '').includes('text/html')) return json(ctx, body, status);
      if (status === 401) return redirect(ctx, `/login?next=${encodeURIComponent(ctx.url.pathname + ctx.url.search)}`);
      return page(ctx, errorPage(ctx, status === 404 ? 'notFound' : 'generic', status < 500 ? body.error : undefined), status);
    })
    .use(staticRoutes())
    .use(appShellRoutes(deps))
    .use(healthRoutes(deps))
    .use(homeRoutes(deps))
    .use(authRoutes(deps))
    .use(passwordResetRoutes(deps))
    .use(profileRoutes(deps))
    .use(settingsRoutes(deps))
    .use(sessionsRoutes(deps))
    .use(invitesRoutes(deps))
    .use(analyticsRoutes(deps))
    .use(adminRoutes(deps))
    .use(auditRoutes(deps))
    .use(adminRoomsRoutes(deps))
    .use(adminMailRoutes(deps))
    .use(reportsRoutes(deps))
    .use(scheduleRoutes(deps))
    .use(roomRoutes(deps))
    .use(clipsRoutes(deps))
    .use(feedRoutes(deps))
    .use(replayRoutes(deps))
    .use(sharingRoutes(deps))
    .use(hlsRoutes(deps))
    .use(notificationsRoutes(deps))
    .use(notificationSettingsRoutes(deps))
    .use(metricsRoutes(deps))
    .use(yourDataRoutes(deps))
    .use(roomSocketRoutes(deps));
  return app;
}

/** The status a response went out with, for the latency histogram (errors: as describeError maps them). */
function sentStatus(c: { set: { status?: unknown }; responseValue?: unknown }): number {
  const { error, code } = c as { error?: unknown; code?: string | number };
  if (error !== undefined) return describeError(code ?? 'UNKNOWN', error).status;
  if (c.responseValue instanceof Response) return c.responseValue.status;
  return typeof c.set.status === 'number' ? c.set.status : 200;
}

/** One place maps errors to HTTP: typed app errors (their kind, via httpStatus), Elysia's own codes, and the unexpected (500). */
function describeError(code: string | number, error: unknown): { status: number; body: { error: string; field?: string } } {
  if (error instanceof FormInvalid) return { status: httpStatus(error), body: { error: englishMessage(error.errors[0]!), field: error.field } };
  if (error instanceof AppError) return { status: httpStatus(error), body: { error: error.message, field: error.field } };
  switch (code) {
    case 'NOT_FOUND':
      return { status: 404, body: { error: 'Not found' } };
    case 'VALIDATION': {
      const first = (error as { all?: { path?: string; summary?: string; message?: string }[] }).all?.[0];
      const field = first?.path?.replace(/^\//, '').replaceAll('/', '.') || undefined;
      const detail = first?.summary ?? first?.message ?? 'invalid value';
      return { status: 400, body: { error: field ? `Invalid ${field}: ${detail}` : `Invalid request: ${detail}`, field } };
    }
    case 'PARSE': {
      const cause = (error as Error).cause; // what our parse hook refused, with its reason
      if (cause instanceof AppError) return { status: httpStatus(cause), body: { error: cause.message } };
      return { status: 400, body: { error: 'The request body could not be parsed' } };
    }
    case 'INVALID_COOKIE_SIGNATURE':
      return { status: 400, body: { error: 'Invalid cookie' } };
    default:
      return { status: 500, body: { error: 'Internal server error' } };
  }
}
