// Reading and writing cookies by hand: several Set-Cookie headers per response, explicit flags.
export function parseCookies(header: string | null): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      /* malformed: ignore */
    }
  }
  return cookies;
}

export interface CookieOptions {
  maxAgeSeconds?: number;
  secure: boolean;
  httpOnly?: boolean;
}

export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  let cookie = `${name}=${encodeURIComponent(value)}; Path=/; SameSite=Lax`;
  if (opts.httpOnly !== false) cookie += '; HttpOnly';
  if (opts.secure) cookie += '; Secure';
  if (opts.maxAgeSeconds !== undefined) cookie += `; Max-Age=${opts.maxAgeSeconds}`;
  return cookie;
}

export const sessionCookie = 'salon_session';
export const csrfCookie = 'salon_csrf';
