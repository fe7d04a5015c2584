// Random secrets and short public codes, from the platform's CSPRNG.

/** An unguessable token (cookies, sessions): `bytes` random bytes, base64url. */
export const randomToken = (bytes = 24) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');

const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'; // no look-alikes (l/1, o/0, i)

/** A short code people may read or type (invites, room links). */
export const randomCode = (length = 10) => Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => alphabet[b % alphabet.length]).join('');
