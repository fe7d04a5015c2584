// SQL for follows and blocks.
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../db/schema';

type Q = Kysely<DatabaseSchema>;

export async function followCounts(db: Q, userId: number) {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('follows').select(eb.fn.countAll<number>().as('n')).where('followee_id', '=', userId).as('followers'),
      eb.selectFrom('follows').select(eb.fn.countAll<number>().as('n')).where('follower_id', '=', userId).as('following'),
    ])
    .executeTakeFirstOrThrow();
  return { followers: Number(row.followers), following: Number(row.following) };
}

/** Follower and following counts of many people in one query (lists, admin pages). */
export async function followCountsOf(db: Q, userIds: readonly number[]): Promise<Map<number, { followers: number; following: number }>> {
  if (!userIds.length) return new Map();
  const rows = await db
    .selectFrom('users')
    .select((eb) => [
      'users.id',
      eb.selectFrom('follows').select(eb.fn.countAll<number>().as('n')).whereRef('followee_id', '=', 'users.id').as('followers'),
      eb.selectFrom('follows').select(eb.fn.countAll<number>().as('n')).whereRef('follower_id', '=', 'users.id').as('following'),
    ])
    .where('users.id', 'in', [...userIds])
    .execute();
  return new Map(rows.map((r) => [r.id, { followers: Number(r.followers), following: Number(r.following) }]));
}

/** How `viewerId` stands with each of `targetIds`, in one query: follows them, is followed by them, blocks them. */
export async function relationshipsOf(db: Q, viewerId: number, targetIds: readonly number[]) {
  if (!targetIds.length) return new Map<number, { following: boolean; followedBy: boolean; blocking: boolean }>();
  const rows = await db
    .selectFrom('users')
    .select((eb) => [
      'users.id',
      eb.exists(eb.selectFrom('follows').select('follower_id').where('follower_id', '=', viewerId).whereRef('followee_id', '=', 'users.id')).as('following'),
      eb.exists(eb.selectFrom('follows').select('follower_id').whereRef('follower_id', '=', 'users.id').where('followee_id', '=', viewerId)).as('followedBy'),
      eb.exists(eb.selectFrom('blocks').select('blocker_id').where('blocker_id', '=', viewerId).whereRef('blocked_id', '=', 'users.id')).as('blocking'),
    ])
    .where('users.id', 'in', [...targetIds])
    .execute();
  return new Map(rows.map((r) => [r.id, { following: !!r.following, followedBy: !!r.followedBy, blocking: !!r.blocking }]));
}

export async function isFollowing(db: Q, followerId: number, followeeId: number) {
  return !!(await db.selectFrom('follows').select('follower_id').where('follower_id', '=', followerId).where('followee_id', '=', followeeId).executeTakeFirst());
}

export async function hasBlocked(db: Q, blockerId: number, blockedId: number) {
  return !!(await db.selectFrom('blocks').select('blocker_id').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).executeTakeFirst());
}

/** Ids of the people `userId` follows. */
export async function followeeIds(db: Q, userId: number): Promise<Set<number>> {
  const rows = await db.selectFrom('follows').select('followee_id').where('follower_id', '=', userId).execute();
  return new Set(rows.map((r) => r.followee_id));
}

/** People following `userId` (direction 'followers') or followed by them ('following'), newest first. */
export function listConnections(db: Q, userId: number, direction: 'followers' | 'following', limit: number, offset: number) {
  const [matchColumn, otherColumn] = direction === 'followers' ? (['followee_id', 'follower_id'] as const) : (['follower_id', 'followee_id'] as const);
  return db
    .selectFrom('follows')
    .innerJoin('users', 'users.id', `follows.${otherColumn}`)
    .select(['users.id', 'users.handle', 'users.display_name', 'users.avatar_file', 'users.bio'])
    .where(`follows.${matchColumn}`, '=', userId)
    .where('users.suspended_at', 'is', null)
    .orderBy('follows.created_at', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}
