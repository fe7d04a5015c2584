// Cross-site request forgery defence for every state-changing request: the Origin (when sent)
// must be this instance's, and a token from the salon_csrf cookie must come back as the `_csrf`
// form field or the X-CSRF-Token header (double-submit; SameSite=Lax cookies do the rest).
import { csrfCookie, parseCookies } from './cookies';
import { Forbidden } from '../shared/errors';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function checkCsrf(request: Request, body: unknown, expectedOrigin: string): void {
  if (safeMethods.has(request.method)) return;
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== expectedOrigin) throw new Forbidden(`Cross-origin request refused (origin ${origin})`);
  if (request.headers.get('sec-fetch-site') === 'cross-site') throw new Forbidden('Cross-site request refused');
  const expected = parseCookies(request.headers.get('cookie'))[csrfCookie];
  const sent = request.headers.get('x-csrf-token') ?? (body && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined);
  if (!expected || typeof sent !== 'string' || !sent) throw new Forbidden('CSRF token missing: reload the page and try again');
  if (!timingSafeEqual(sent, expected)) throw new Forbidden('CSRF token wrong: reload the page and try again');
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
