// SQL for notifications: the inbox, preferences, the audience of a fan-out (followers minus blocks).
// The delivery outbox has its own file (deliveries.repository.ts).
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema, NotificationRow } from '../db/schema';
import type { NotificationChannelName } from './notification.model';

type Q = Kysely<DatabaseSchema>;

/** A notification shown in the inbox (in-app channel on); one whose in-app channel was off is `silent`. */
const inInbox = sql<boolean>`json_extract(notifications.payload, '$.silent') is null`;

export interface NotificationInsert {
  user_id: number;
  kind: string;
  payload: string;
  dedupe_key: string;
  expires_at: string;
}

/** Inserts what is new; a (user, dedupe key) already there is skipped. Returns the rows created. */
export async function insertNotifications(db: Q, rows: NotificationInsert[]): Promise<{ id: number; user_id: number }[]> {
  if (!rows.length) return [];
  return db
    .insertInto('notifications')
    .values(rows)
    .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
    .returning(['id', 'user_id'])
    .execute();
}

export async function insertDeliveries(db: Q, rows: { notification_id: number; channel: string; target: string; next_attempt_at: string }[]): Promise<void> {
  // 4 values a row: 500 rows stay far below SQLite's parameter limit.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('notification_deliveries')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['notification_id', 'channel', 'target']).doNothing())
      .execute();
  }
}

/** Of `userIds`, those who blocked `actorId` or whom `actorId` blocked. */
export async function blockedEitherWay(db: Q, actorId: number, userIds: readonly number[]): Promise<Set<number>> {
  if (!userIds.length) return new Set();
  const rows = await db
    .selectFrom('blocks')
    .select(['blocker_id', 'blocked_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('blocker_id', '=', actorId), eb('blocked_id', 'in', [...userIds])]),
        eb.and([eb('blocked_id', '=', actorId), eb('blocker_id', 'in', [...userIds])]),
      ]),
    )
    .execute();
  return new Set(rows.map((r) => (r.blocker_id === actorId ? r.blocked_id : r.blocker_id)));
}

/** People who may be notified at all: existing and not suspended. */
export async function activeUserIds(db: Q, userIds: readonly number[]): Promise<Set<number>> {
  if (!userIds.length) return new Set();
  const rows = await db.selectFrom('users').select('id').where('id', 'in', [...userIds]).where('suspended_at', 'is', null).execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * One page of `hostId`'s followers by id (keyset paging from `afterId`), without suspended people
 * and without anyone blocked either way (a block ends follows, but not a follow made in a race).
 */
export async function followerIdsPage(db: Q, hostId: number, afterId: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('follows')
    .innerJoin('users', 'users.id', 'follows.follower_id')
    .select('follows.follower_id as id')
    .where('follows.followee_id', '=', hostId)
    .where('follows.follower_id', '>', afterId)
    .where('users.suspended_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('blocks')
            .select('blocks.blocker_id')
            .where((b) =>
              b.or([
                b.and([b('blocks.blocker_id', '=', hostId), b('blocks.blocked_id', '=', b.ref('follows.follower_id'))]),
                b.and([b('blocks.blocked_id', '=', hostId), b('blocks.blocker_id', '=', b.ref('follows.follower_id'))]),
              ]),
            ),
        ),
      ),
    )
    .orderBy('follows.follower_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The choices people made for one kind (absent = the kind's default). */
export async function preferencesFor(db: Q, userIds: readonly number[], kind: string): Promise<Map<number, Map<string, boolean>>> {
  const found = new Map<number, Map<string, boolean>>();
  if (!userIds.length) return found;
  const rows = await db.selectFrom('notification_preferences').select(['user_id', 'channel', 'enabled']).where('kind', '=', kind).where('user_id', 'in', [...userIds]).execute();
  for (const row of rows) {
    let mine = found.get(row.user_id);
    if (!mine) found.set(row.user_id, (mine = new Map()));
    mine.set(row.channel, row.enabled === 1);
  }
  return found;
}

export async function preferencesOf(db: Q, userId: number) {
  return db.selectFrom('notification_preferences').select(['kind', 'channel', 'enabled']).where('user_id', '=', userId).execute();
}

export async function savePreferences(db: Q, userId: number, choices: { kind: string; channel: NotificationChannelName; enabled: boolean }[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('notification_preferences').where('user_id', '=', userId).execute();
    if (choices.length) {
      await trx
        .insertInto('notification_preferences')
        .values(choices.map((c) => ({ user_id: userId, kind: c.kind, channel: c.channel, enabled: c.enabled ? 1 : 0 })))
        .execute();
    }
  });
}

export function listInbox(db: Q, userId: number, limit: number, beforeId?: number): Promise<NotificationRow[]> {
  let query = db.selectFrom('notifications').selectAll().where('user_id', '=', userId).where(inInbox);
  if (beforeId) query = query.where('id', '<', beforeId);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

export async function countUnread(db: Q, userId: number): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .where(inInbox)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function newestInInbox(db: Q, userId: number): Promise<NotificationRow | undefined> {
  return db.selectFrom('notifications').selectAll().where('user_id', '=', userId).where(inInbox).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export function findNotification(db: Q, userId: number, id: number): Promise<NotificationRow | undefined> {
  return db.selectFrom('notifications').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export async function markRead(db: Q, userId: number, id: number | 'all', now: string): Promise<number> {
  let query = db.updateTable('notifications').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (id !== 'all') query = query.where('id', '=', id);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
