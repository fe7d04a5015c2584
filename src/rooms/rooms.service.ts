// Rooms as people use them: open one (if allowed to host), end it, get in (blocks, removals and
// the instance's rules apply), report, and find what is live.
import type { HostingService } from '../accounts/hosting.service';
import { findUserById } from '../accounts/users.repository';
import type { Db } from '../db/connection';
import type { Room, User } from '../db/schema';
import type { SettingsService } from '../settings/settings.service';
import type { SocialService } from '../social/social.service';
import type { NotificationsService } from '../notifications/notifications.service';
import { auditActionNames, type AuditLog } from '../audit/audit-log';
import { AppError, Forbidden, Invalid, NotFound } from '../shared/errors';
import { FieldErrors, FormInvalid } from '../shared/form-errors';
import { randomCode } from '../shared/random';
import type { BrowserIdentity } from './anonymous-listener';
import type { LiveRoom, Presence } from './live/live-room';
import type { LiveRooms } from './live/live-rooms';
import { RoomError, type Person } from './live/room.model';
import { roomLimits, validateNewRoom, type NewRoomInput } from './rooms.model';
import { findLiveRoomOfHost, findRoom, insertLiveRoom, insertReport, listRoomsOfHost, markRoomEnded } from './rooms.repository';


const personOf = (user: User): Person => ({
  id: `u:${user.id}`,
  userId: user.id,
  handle: user.handle,
  name: user.display_name,
  avatar: user.avatar_file,
  moderator: user.role === 'admin',
});
const anonymousPerson = (anonymousId: string): Person => ({ id: `a:${anonymousId}`, userId: null, handle: null, name: 'Anonymous listener', avatar: null });

export class RoomsService {
  /** Reports filed from a room go here when set (services.ts): rate limits, targets in the room, stage snapshot, audio evidence. */
  reports?: { file(reporter: User, input: { roomId: string; targetUserId?: number | null; reason: string }): Promise<unknown> };

  constructor(
    private readonly deps: { db: Db; live: LiveRooms; hosting: HostingService; social: SocialService; settings: SettingsService; notifications?: Pick<NotificationsService, 'notifyFollowers'>; audit?: Pick<AuditLog, 'record'> },
  ) {}

  /** "Start now": the room is live at once and gets its shareable /r/<id> (a scheduled room keeps its own id). */
  async createAndStart(host: User, input: NewRoomInput, opts: { id?: string } = {}): Promise<Room> {
    const room = validateNewRoom(input);
    const eligibility = await this.deps.hosting.eligibility(host);
    if (!eligibility.allowed) {
      throw new FormInvalid([{ field: 'form', key: 'room.cannotHost', params: { followers: eligibility.followers, needed: eligibility.needed } }], 'forbidden');
    }
    await this.deps.live.endingsWritten(); // a room that just ended is no longer live in the database either
    const alreadyLive = async () => {
      const existing = await findLiveRoomOfHost(this.deps.db, host.id);
      return new FormInvalid([{ field: 'form', key: 'room.alreadyLive', params: { url: `/r/${existing?.id ?? ''}` } }], 'conflict');
    };
    if (await findLiveRoomOfHost(this.deps.db, host.id)) throw await alreadyLive();
    // The database keeps one live room per host (a unique index): parallel starts make one room.
    const row = await insertLiveRoom(this.deps.db, {
      id: opts.id ?? randomCode(),
      host_id: host.id,
      title: room.title,
      topics: room.topics,
      speak_policy: room.speakPolicy,
      record_intent: room.recordIntent ? 1 : 0,
    }).catch(async (error) => {
      if (String((error as Error).message).includes('UNIQUE constraint failed: rooms.host_id')) throw await alreadyLive();
      throw error;
    });
    try {
      await this.deps.live.start(row);
    } catch (error) {
      await markRoomEnded(this.deps.db, row.id, 'noAudio', 0);
      // `cause` keeps the media failure's stack in the request log.
      throw Object.assign(new AppError('unavailable', `Audio is unavailable right now (${(error as Error).message}); try again in a moment`), { cause: error });
    }
    // Followers hear about it in the background: the host's request does not wait for the fan-out.
    this.deps.notifications?.notifyFollowers(host.id, { kind: 'hostLive', dedupeKey: `hostLive:${row.id}`, payload: { url: `/r/${row.id}`, params: { host: host.display_name, title: row.title } } });
    return row;
  }

  /** The host ends their room; an admin may end any room. */
  async end(actor: User, roomId: string): Promise<void> {
    const room = await findRoom(this.deps.db, roomId);
    if (!room) throw new NotFound('No such room');
    const isHost = room.host_id === actor.id;
    if (!isHost && actor.role !== 'admin') throw new Forbidden('Only the host can end the room');
    const live = this.deps.live.get(roomId);
    if (!live || live.state.status !== 'live') return;
    live.end(isHost ? 'host' : 'moderator');
    void this.deps.audit?.record({ actor: { id: actor.id, name: actor.handle, role: isHost ? 'host' : 'admin' }, action: auditActionNames.roomEnd, target: { type: 'room', id: room.id, name: room.title }, roomId: room.id });
  }

  /** An admin removes someone from a live room, as the host would: they cannot come back. */
  async removeByAdmin(admin: User, roomId: string, participantId: string): Promise<void> {
    if (admin.role !== 'admin') throw new Forbidden('Admins only');
    const live = this.deps.live.get(roomId);
    if (!live) throw new NotFound('This room is not live');
    if (participantId === `u:${admin.id}`) throw new Forbidden('You cannot remove yourself; leave the room instead');
    const target = live.state.get(participantId);
    if (!target || !live.removeByModerator(participantId, admin.id)) throw new NotFound('That person is not in the room');
    void this.deps.audit?.record({
      actor: { id: admin.id, name: admin.handle, role: 'admin' },
      action: auditActionNames.roomRemove,
      target: target.userId === null ? { type: 'participant', id: target.id, name: target.name } : { type: 'user', id: target.userId, name: target.handle ?? target.name },
      roomId,
      previous: { role: target.role },
    });
  }

  /**
   * Checks that this person may enter the live room; returns who they are in it. `browser` is the
   * signed identity of their browser: a browser that was removed, or whose account is blocked by
   * the host or suspended, stays out whether signed in or not.
   */
  async admit(roomId: string, viewer: User | null, browser: BrowserIdentity | null): Promise<{ live: LiveRoom; person: Person; presence: Omit<Presence, 'sessionId'> }> {
    const live = this.deps.live.get(roomId);
    if (!live) {
      const room = await findRoom(this.deps.db, roomId);
      throw room ? new RoomError('ended', 'This room has ended') : new RoomError('notFound', 'No such room');
    }
    let person: Person;
    if (viewer) {
      if (viewer.suspended_at) throw new RoomError('forbidden', 'This account is suspended');
      // Blocks are private: the blocked person learns only that they cannot join.
      if (!(await this.deps.social.canJoinRoomsOf(live.room.host_id, viewer.id))) throw new RoomError('forbidden', 'You cannot join this room');
      person = personOf(viewer);
    } else {
      if (this.deps.settings.get().requireAccountToListen === 'yes') throw new RoomError('signInRequired', 'Sign in to listen to this room');
      if (!browser) throw new RoomError('signInRequired', 'Open the room page first, or sign in');
      person = anonymousPerson(browser.anonymousId);
      const boundUser = browser.userId === null ? undefined : await findUserById(this.deps.db, browser.userId);
      if (boundUser?.suspended_at) throw new RoomError('forbidden', 'This account is suspended');
      if (boundUser && !(await this.deps.social.canJoinRoomsOf(live.room.host_id, boundUser.id))) throw new RoomError('forbidden', 'You cannot join this room');
    }
    const keys = [person.id, browser && `a:${browser.anonymousId}`, browser?.userId != null && `u:${browser.userId}`];
    if (keys.some((key) => key && live.removed.has(key))) throw new RoomError('removed', 'You were removed from this room');
    return { live, person, presence: { browserId: browser?.anonymousId ?? null, browserUserId: browser?.userId ?? null } };
  }

  /** Hidden from someone the host blocked, live or not (also from a browser their account used). */
  async hiddenFrom(room: Room, viewer: User | null, browser: BrowserIdentity | null): Promise<boolean> {
    const userId = viewer?.id ?? browser?.userId ?? null;
    return !(await this.deps.social.canJoinRoomsOf(room.host_id, userId));
  }

  async report(reporter: User, input: { roomId: string; targetUserId?: number | null; reason: string }) {
    if (this.reports) return this.reports.file(reporter, input);
    const reason = input.reason.trim();
    const errors = new FieldErrors();
    if (!reason) errors.add('reason', 'error.field.required');
    else if (reason.length > roomLimits.reasonMax) errors.add('reason', 'error.field.tooLong', { max: roomLimits.reasonMax });
    errors.throwIfAny();
    if (!(await findRoom(this.deps.db, input.roomId))) throw new NotFound('No such room');
    if (input.targetUserId != null) {
      if (input.targetUserId === reporter.id) throw new Invalid('You cannot report yourself', 'target');
      if (!(await findUserById(this.deps.db, input.targetUserId))) throw new NotFound('No such person to report');
    }
    return insertReport(this.deps.db, { reporter_id: reporter.id, room_id: input.roomId, target_user_id: input.targetUserId ?? null, reason });
  }

  find(roomId: string) {
    return findRoom(this.deps.db, roomId);
  }

  roomsOfHost(hostId: number) {
    return listRoomsOfHost(this.deps.db, hostId);
  }

  liveRoomOfHost(hostId: number): LiveRoom | undefined {
    return this.deps.live.all().find((room) => room.room.host_id === hostId);
  }

  /** Live rooms this viewer may see: hosts they follow first, then by listener count. */
  async discover(viewer: User | null): Promise<LiveRoom[]> {
    const rooms = this.deps.live.all().filter((room) => room.state.status === 'live');
    if (!viewer) return rooms.sort((a, b) => b.state.listenerCount() - a.state.listenerCount());
    const hidden = await this.deps.social.blockersOf(viewer.id);
    const followed = await this.deps.social.followees(viewer.id);
    return rooms
      .filter((room) => !hidden.has(room.room.host_id))
      .sort(
        (a, b) =>
          Number(followed.has(b.room.host_id)) - Number(followed.has(a.room.host_id)) || b.state.listenerCount() - a.state.listenerCount(),
      );
  }
}
