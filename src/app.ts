// Composes the feature plugins into one Elysia app, with one error handler and security headers.
import { Elysia } from 'elysia';
import type { SalonConfig } from './config/config.schema';
import type { Db } from './db/connection';
import type { Logger } from './log';
import type { MediaWorkerPool } from './media/worker-pool';
import { healthRoutes } from './health/health.routes';
import { homeRoutes } from './home/home.routes';
import { staticRoutes } from './web/static.routes';
import { AppError } from './web/errors';
import { htmlResponse } from './web/html';
import { pageContext, wantsHtml } from './web/page-context';
import { errorPage } from '../views/error.page';

export interface AppDeps {
  config: SalonConfig;
  db: Db;
  pool: MediaWorkerPool;
  log: Logger;
}

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
};

export function createApp(deps: AppDeps) {
  return new Elysia()
    .onRequest(({ set }) => {
      Object.assign(set.headers, securityHeaders);
    })
    .onError(({ code, error, request, set }) => {
      const { status, body } = describeError(code, error);
      if (status >= 500) deps.log.error('request failed', { method: request.method, url: request.url, error });
      set.status = status;
      if (wantsHtml(request)) {
        const ctx = pageContext(request);
        return htmlResponse(errorPage(ctx, status === 404 ? 'notFound' : 'generic', status < 500 ? body.error : undefined), status);
      }
      return Response.json(body, { status });
    })
    .use(staticRoutes())
    .use(healthRoutes(deps))
    .use(homeRoutes());
}

/** One place maps errors to HTTP: typed app errors, Elysia's own codes, and the unexpected (500). */
function describeError(code: string | number, error: unknown): { status: number; body: { error: string; field?: string } } {
  if (error instanceof AppError) return { status: error.status, body: { error: error.message, field: error.field } };
  switch (code) {
    case 'NOT_FOUND':
      return { status: 404, body: { error: 'Not found' } };
    case 'VALIDATION': {
      const first = (error as { all?: { path?: string; summary?: string; message?: string }[] }).all?.[0];
      const field = first?.path?.replace(/^\//, '').replaceAll('/', '.') || undefined;
      const detail = first?.summary ?? first?.message ?? 'invalid value';
      return { status: 400, body: { error: field ? `Invalid ${field}: ${detail}` : `Invalid request: ${detail}`, field } };
    }
    case 'PARSE':
      return { status: 400, body: { error: 'The request body could not be parsed' } };
    case 'INVALID_COOKIE_SIGNATURE':
      return { status: 400, body: { error: 'Invalid cookie' } };
    default:
      return { status: 500, body: { error: 'Internal server error' } };
  }
}
