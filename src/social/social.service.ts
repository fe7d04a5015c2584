// Follows and blocks. A block removes follows both ways and stops the blocked person from
// following, seeing the blocker's rooms and joining them (the rooms feature asks `canJoinRoomsOf`).
// Blocks are private: nobody is told they were blocked beyond being unable to act.
import type { Db } from '../db/connection';
import { AccountEvents } from '../accounts/account-events';
import type { User } from '../db/schema';
import type { Notifier } from '../notifications/notification.model';
import { Forbidden, Invalid } from '../shared/errors';
import { followCounts, followCountsOf, followeeIds, hasBlocked, isFollowing, listConnections, relationshipsOf } from './social.repository';

export interface Relationship {
  following: boolean;
  followedBy: boolean;
  blocking: boolean;
}

export class SocialService {
  constructor(
    private readonly db: Db,
    private readonly events = new AccountEvents(),
  ) {}

  async follow(follower: User, followee: User): Promise<void> {
    if (follower.id === followee.id) throw new Invalid('You cannot follow yourself', 'handle');
    if (await this.blockedEitherWay(follower.id, followee.id)) throw new Forbidden('You cannot follow this person');
    const added = await this.db.insertInto('follows').values({ follower_id: follower.id, followee_id: followee.id }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    // Once per follower ever (the dedupe key): unfollowing and following again does not notify twice.
    if (Number(added.numInsertedOrUpdatedRows) && this.notifier) {
      const params = { name: follower.display_name, handle: follower.handle };
      await this.notifier.notify({ userIds: [followee.id], actorId: follower.id, kind: 'newFollower', dedupeKey: `newFollower:${follower.id}`, payload: { url: `/@${follower.handle}`, params } });
    }
  }

  /** Who is told about new followers (set once at start-up; services.ts). */
  notifier: Notifier | null = null;

  async unfollow(follower: User, followee: User): Promise<void> {
    await this.db.deleteFrom('follows').where('follower_id', '=', follower.id).where('followee_id', '=', followee.id).execute();
  }

  async block(blocker: User, blocked: User): Promise<void> {
    if (blocker.id === blocked.id) throw new Invalid('You cannot block yourself', 'handle');
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('blocks').values({ blocker_id: blocker.id, blocked_id: blocked.id }).onConflict((oc) => oc.doNothing()).execute();
      await trx
        .deleteFrom('follows')
        .where((eb) =>
          eb.or([
            eb.and([eb('follower_id', '=', blocker.id), eb('followee_id', '=', blocked.id)]),
            eb.and([eb('follower_id', '=', blocked.id), eb('followee_id', '=', blocker.id)]),
          ]),
        )
        .execute();
    });
    this.events.announce({ type: 'userBlocked', blockerId: blocker.id, blockedId: blocked.id }); // out of the blocker's live rooms now
  }

  async unblock(blocker: User, blocked: User): Promise<void> {
    await this.db.deleteFrom('blocks').where('blocker_id', '=', blocker.id).where('blocked_id', '=', blocked.id).execute();
  }

  /** May `userId` join (and see) rooms hosted by `hostId`? False when the host blocked them. */
  async canJoinRoomsOf(hostId: number, userId: number | null): Promise<boolean> {
    if (userId === null || userId === hostId) return true;
    return !(await hasBlocked(this.db, hostId, userId));
  }

  async blockedEitherWay(a: number, b: number): Promise<boolean> {
    return (await hasBlocked(this.db, a, b)) || (await hasBlocked(this.db, b, a));
  }

  /** Ids of hosts who blocked `userId`, to hide their rooms from lists. */
  async blockersOf(userId: number): Promise<Set<number>> {
    const rows = await this.db.selectFrom('blocks').select('blocker_id').where('blocked_id', '=', userId).execute();
    return new Set(rows.map((r) => r.blocker_id));
  }

  async relationship(viewer: User | null, target: User): Promise<Relationship> {
    if (!viewer || viewer.id === target.id) return { following: false, followedBy: false, blocking: false };
    const [following, followedBy, blocking] = await Promise.all([
      isFollowing(this.db, viewer.id, target.id),
      isFollowing(this.db, target.id, viewer.id),
      hasBlocked(this.db, viewer.id, target.id),
    ]);
    return { following, followedBy, blocking };
  }

  /** `relationship` for a whole list of people, in one query (follower lists). */
  async relationships(viewer: User | null, targetIds: readonly number[]): Promise<Map<number, Relationship>> {
    const none: Relationship = { following: false, followedBy: false, blocking: false };
    const found = viewer ? await relationshipsOf(this.db, viewer.id, targetIds.filter((id) => id !== viewer.id)) : new Map<number, Relationship>();
    return new Map(targetIds.map((id) => [id, found.get(id) ?? none]));
  }

  counts(userId: number) {
    return followCounts(this.db, userId);
  }

  /** `counts` for a whole list of people, in one query (admin users page). */
  async countsOf(userIds: readonly number[]): Promise<Map<number, { followers: number; following: number }>> {
    const found = await followCountsOf(this.db, userIds);
    return new Map(userIds.map((id) => [id, found.get(id) ?? { followers: 0, following: 0 }]));
  }

  /** Whom `userId` follows, as ids (ordering rooms, no profile data needed). */
  followees(userId: number): Promise<Set<number>> {
    return followeeIds(this.db, userId);
  }

  connections(userId: number, direction: 'followers' | 'following', page = 0, pageSize = 50) {
    return listConnections(this.db, userId, direction, pageSize, page * pageSize);
  }
}
