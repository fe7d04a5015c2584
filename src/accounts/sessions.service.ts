// Server-side sessions in SQLite. The cookie carries a random token; the table keeps only its
// sha256, so reading the database does not give anyone a session.
import type { Db } from '../db/connection';
import type { User } from '../db/schema';
import { AccountEvents } from './account-events';
import { NotFound } from '../shared/errors';
import { randomToken } from '../shared/random';

const lifetimeMs = 30 * 24 * 3600 * 1000;
const touchEveryMs = 5 * 60 * 1000; // sliding expiry without a write per request

export interface SessionInfo {
  id: string;
  userAgent: string;
  ip: string;
  createdAt: string;
  lastSeenAt: string;
}

const sessionIdOf = (token: string) => new Bun.CryptoHasher('sha256').update(token).digest('hex');

export class SessionsService {
  constructor(
    private readonly db: Db,
    private readonly events = new AccountEvents(),
  ) {}

  /** Starts a session and returns the token for the cookie. */
  async create(userId: number, meta: { userAgent: string; ip: string }): Promise<string> {
    const token = randomToken(32);
    await this.db
      .insertInto('sessions')
      .values({
        id: sessionIdOf(token),
        user_id: userId,
        user_agent: meta.userAgent.slice(0, 300),
        ip: meta.ip,
        expires_at: new Date(Date.now() + lifetimeMs).toISOString(),
      })
      .execute();
    return token;
  }

  /** The signed-in user for a cookie token, or null (unknown, expired, or suspended). */
  async resolve(token: string | undefined): Promise<{ user: User; sessionId: string } | null> {
    if (!token || token.length > 100) return null;
    const id = sessionIdOf(token);
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.expires_at', 'sessions.last_seen_at'])
      .where('sessions.id', '=', id)
      .executeTakeFirst();
    if (!row || row.suspended_at || Date.parse(row.expires_at) < Date.now()) return null;
    if (Date.now() - Date.parse(row.last_seen_at) > touchEveryMs) {
      const now = new Date();
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + lifetimeMs).toISOString() })
        .where('id', '=', id)
        .execute();
    }
    const { expires_at: _e, last_seen_at: _l, ...user } = row;
    return { user, sessionId: id };
  }

  async list(userId: number): Promise<SessionInfo[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(['id', 'user_agent', 'ip', 'created_at', 'last_seen_at'])
      .where('user_id', '=', userId)
      .where('expires_at', '>', new Date().toISOString())
      .orderBy('last_seen_at', 'desc')
      .execute();
    return rows.map((r) => ({ id: r.id, userAgent: r.user_agent, ip: r.ip, createdAt: r.created_at, lastSeenAt: r.last_seen_at }));
  }

  /** Revokes one of the owner's sessions; someone else's session id is "not found". */
  async revoke(userId: number, sessionId: string): Promise<void> {
    const result = await this.db.deleteFrom('sessions').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new NotFound('No such session');
    this.events.announce({ type: 'sessionsEnded', sessionIds: [sessionId] }); // its room sockets close now
  }

  async revokeAll(userId: number): Promise<void> {
    const ended = await this.db.deleteFrom('sessions').where('user_id', '=', userId).returning('id').execute();
    this.events.announce({ type: 'sessionsEnded', sessionIds: ended.map((s) => s.id) });
  }

  /** Removes sessions past their expiry (no one can use them any more); returns how many. */
  async deleteExpired(now = new Date()): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<', now.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
