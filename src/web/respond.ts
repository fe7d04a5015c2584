// Building responses from a request context: pages, redirects, JSON, and forms re-rendered with errors.
import type { SafeHtml } from '../shared/html';
import type { FieldError, FormInvalid } from '../shared/form-errors';
import { englishMessage } from '../shared/form-errors';
import { httpStatus } from './error-status';
import type { RequestContext } from './request-context';

function headersFor(ctx: RequestContext, extra: Record<string, string> = {}): Headers {
  const headers = new Headers(extra);
  for (const cookie of ctx.setCookies) headers.append('set-cookie', cookie);
  return headers;
}

export function page(ctx: RequestContext, body: SafeHtml, status = 200): Response {
  return new Response(body.value, { status, headers: headersFor(ctx, { 'content-type': 'text/html; charset=utf-8' }) });
}

export function json(ctx: RequestContext, data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data), { status, headers: headersFor(ctx, { 'content-type': 'application/json' }) });
}

/**
 * After a successful POST: 303 for plain forms. htmx gets HX-Location, an ajax navigation like a
 * boosted link, so the preserved #player (the room audio) keeps playing. `fullPage` asks for a real
 * page load (HX-Redirect) when the page's scripts must start afresh, e.g. once the session changed.
 */
export function redirect(ctx: RequestContext, location: string, opts: { fullPage?: boolean } = {}): Response {
  if (ctx.wantsJson) return json(ctx, { ok: true, location });
  if (ctx.request.headers.get('hx-request')) {
    return new Response(null, { status: 204, headers: headersFor(ctx, { [opts.fullPage ? 'hx-redirect' : 'hx-location']: location }) });
  }
  return new Response(null, { status: 303, headers: headersFor(ctx, { location }) });
}

/**
 * Whether this is an htmx request swapping into the element with this id (its `hx-target`), so a
 * fragment is the answer. Boosted links and forms target the whole body and get full pages.
 */
export function swapsInto(ctx: RequestContext, elementId: string): boolean {
  return ctx.request.headers.get('hx-request') === 'true' && ctx.request.headers.get('hx-target') === elementId;
}

/** A rejected form: JSON naming the fields, or the same form re-rendered with its errors. */
export function formRejected(ctx: RequestContext, error: FormInvalid, render: (errors: FieldError[]) => SafeHtml): Response {
  if (ctx.wantsJson) {
    const errors = error.errors.map((e) => ({ field: e.field, code: e.key, message: englishMessage(e) }));
    return json(ctx, { error: error.message, field: error.field, errors }, httpStatus(error));
  }
  // htmx swaps 4xx responses too (see the htmx-config in views/layout.ts).
  return page(ctx, render(error.errors), httpStatus(error));
}

/**
 * A safe local redirect target from a `next` parameter (no open redirects). Browsers drop tabs and
 * newlines inside URLs and read `\` as `/`, so `/<tab>/evil` or `/\evil` leave the site: values with
 * whitespace, control characters or backslashes are refused outright. The rest must resolve to this
 * origin and not to a path starting `//` (`/.//evil` resolves to `//evil`, another host for a browser).
 * The URL's own serialisation is returned: percent-encoded, so always valid in a Location header.
 */
export function safeNext(next: unknown, origin: string, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || /[\s\\\p{Cc}]/u.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  const target = url.pathname + url.search + url.hash;
  return url.origin === new URL(origin).origin && !target.startsWith('//') ? target : fallback;
}
