// Listening without an account: the room page hands each browser a token the server signs (HMAC
// with an instance secret), so a made-up cookie is refused. The token names the browser (its
// anonymous id) and, once someone signed in on that browser, their account: a person the host
// removed or blocked cannot walk back in as an anonymous listener from the same browser.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from '../shared/random';

export const anonymousCookie = 'salon_anon';

export interface BrowserIdentity {
  /** Stable for the browser's lifetime; the room knows an anonymous listener as "a:<anonymousId>". */
  anonymousId: string;
  /** The last account signed in on this browser, if any. */
  userId: number | null;
}

const tokenShape = /^([A-Za-z0-9_-]{16})\.(\d{0,12})\.([A-Za-z0-9_-]{43})$/;

export class AnonymousListeners {
  constructor(private readonly secret: string) {}

  /** A new browser identity (or the same browser, now bound to an account). */
  issue(identity: BrowserIdentity = { anonymousId: randomToken(12), userId: null }): string {
    const body = `${identity.anonymousId}.${identity.userId ?? ''}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The identity in a cookie token, or null when it is missing, malformed or not signed by us. */
  verify(token: string | undefined): BrowserIdentity | null {
    const match = token ? tokenShape.exec(token) : null;
    if (!match) return null;
    const [, anonymousId, uid, signature] = match;
    const expected = Buffer.from(this.sign(`${anonymousId}.${uid}`));
    if (!timingSafeEqual(expected, Buffer.from(signature!))) return null;
    return { anonymousId: anonymousId!, userId: uid ? Number(uid) : null };
  }

  private sign(body: string) {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
