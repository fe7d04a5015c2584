// Listening without an account: the room page gives each anonymous visitor a random token in an
// HttpOnly cookie. Their id in the room is a hash of it, so the token is never shown to others.
export const anonymousCookie = 'salon_anon';

export function anonymousIdOf(token: string | undefined): string | null {
  if (!token || !/^[\w-]{20,64}$/.test(token)) return null;
  return new Bun.CryptoHasher('sha256').update(token).digest('base64url').slice(0, 16).replace(/[^A-Za-z0-9_-]/g, '_');
}
