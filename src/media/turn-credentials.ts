// The ICE servers handed to one participant: short-lived TURN credentials in the "TURN REST API"
// scheme that coturn implements with `use-auth-secret` + `static-auth-secret` (draft-uberti-behave-turn-rest):
//   username   = "<unix time when it expires, seconds>:<opaque id>"
//   credential = base64(HMAC-SHA1(secret, username))
// The TURN server recomputes the credential from the username with the same secret, so nothing is stored
// and nothing needs revoking: a leaked credential stops working at its expiry.
import { createHmac } from 'node:crypto';
import type { SalonConfig } from '../config/config.schema';

/** One entry of RTCConfiguration.iceServers, as sent to the browser. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export type TurnConfig = Pick<SalonConfig, 'turnUrls' | 'turnSecret' | 'turnCredentialTtlSeconds'>;

/**
 * The ICE servers for `participantId`, credentials valid `turnCredentialTtlSeconds` from `now` (ms).
 * - no `turnUrls`: `[]`;
 * - `turnUrls` and `turnSecret`: one entry with every URL and fresh credentials;
 * - `turnUrls` without `turnSecret`: only the `stun:` URLs, without credentials (a browser refuses a
 *   `turn:` URL that has none; loadConfig already refuses turn: URLs without a secret).
 */
export function iceServersFor(config: TurnConfig, participantId: string, now: number = Date.now()): IceServer[] {
  const urls = config.turnUrls.split(',').map((url) => url.trim()).filter(Boolean);
  if (urls.length === 0) return [];
  if (!config.turnSecret) {
    const stun = urls.filter((url) => /^stun:/i.test(url));
    return stun.length ? [{ urls: stun }] : [];
  }
  const expiresAt = Math.floor(now / 1000) + config.turnCredentialTtlSeconds;
  const username = `${expiresAt}:${turnUserId(config.turnSecret, participantId)}`;
  return [{ urls, username, credential: turnPassword(config.turnSecret, username) }];
}

/** coturn's use-auth-secret password for a username: base64(HMAC-SHA1(secret, username)). */
function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/**
 * The id part of the username, which travels in clear in STUN messages and lands in the TURN server's logs:
 * a keyed hash of the participant id (16 base64url characters, never ':'), stable for one participant so an
 * admin holding the secret can match log lines, but revealing nothing (not even a small numeric id) to others.
 */
function turnUserId(secret: string, participantId: string): string {
  return createHmac('sha256', secret).update(`salon turn user\0${participantId}`).digest().subarray(0, 12).toString('base64url');
}
