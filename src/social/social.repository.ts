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
