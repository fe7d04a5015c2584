// Scheduled rooms: the host plans one (rules: may host, in the future, not too far ahead, not too
// many upcoming), edits or cancels it (people with a reminder and invitees are told), invites
// speakers and co-hosts in advance (they accept or decline), and starts it from 15 minutes before:
// the live room takes the same id, accepted invitees go on stage as they join, reminders fire.
// The timer's work (starting soon, missed) is `processDue`; time comes from `now`, replaceable in tests.
import type { HostingService } from '../accounts/hosting.service';
import type { UsersService } from '../accounts/users.service';
import type { Db } from '../db/connection';
import type { Room, User } from '../db/schema';
import type { Logger } from '../log';
import type { NotificationKind, Notifier } from '../notifications/notification.model';
import type { LiveRooms } from '../rooms/live/live-rooms';
import type { RoomsService } from '../rooms/rooms.service';
import type { SettingsService } from '../settings/settings.service';
import type { SocialService } from '../social/social.service';
import { Conflict, Forbidden, NotFound } from '../shared/errors';
import { FieldErrors, FormInvalid } from '../shared/form-errors';
import { randomCode } from '../shared/random';
import { earlyStartMs, startingSoonMs, validateSchedule, type Schedule, type ScheduleInput, type ValidSchedule } from './schedules.model';
import * as repo from './schedules.repository';
import { formatTime } from './time-zones';

export interface ScheduleDeps {
  db: Db;
  log: Logger;
  rooms: RoomsService;
  live: LiveRooms;
  hosting: HostingService;
  social: SocialService;
  settings: SettingsService;
  users: UsersService;
  notifier: Notifier;
}

export class SchedulesService {
  /** The clock every rule reads (tests move it). */
  now: () => Date = () => new Date();

  constructor(private readonly deps: ScheduleDeps) {}

  find(id: string): Promise<Schedule | undefined> {
    return repo.findSchedule(this.deps.db, id);
  }

  /** The scheduled room as this viewer may see it; 404 when unknown or the host blocked them. */
  async visible(id: string, viewer: User | null): Promise<Schedule> {
    const schedule = await this.find(id);
    if (!schedule || !(await this.deps.social.canJoinRoomsOf(schedule.host_id, viewer?.id ?? null))) throw new NotFound('No such room');
    return schedule;
  }

  invites(id: string) {
    return repo.listInvites(this.deps.db, id);
  }

  async create(host: User, input: ScheduleInput): Promise<Schedule> {
    await this.requireHosting(host);
    const settings = this.deps.settings.get();
    const valid = validateSchedule(input, { now: this.now(), maxDaysAhead: settings.scheduleMaxDaysAhead });
    const invitees = await this.resolveInvitees(host, valid);
    if ((await repo.countUpcomingOfHost(this.deps.db, host.id)) >= settings.maxUpcomingPerHost) {
      throw new FormInvalid([{ field: 'form', key: 'schedule.error.tooManyUpcoming', params: { max: settings.maxUpcomingPerHost } }], 'conflict');
    }
    const schedule = await repo.insertSchedule(this.deps.db, { id: randomCode(), host_id: host.id, ...this.rowOf(valid) });
    for (const invitee of invitees) await repo.upsertInvite(this.deps.db, schedule.id, invitee.user.id, invitee.kind);
    await this.tellInvited(invitees, schedule, host);
    return schedule;
  }

  async update(host: User, id: string, input: ScheduleInput): Promise<Schedule> {
    const before = await this.ownSchedule(host, id);
    const valid = validateSchedule(input, { now: this.now(), maxDaysAhead: this.deps.settings.get().scheduleMaxDaysAhead, previousStartsAt: before.starts_at });
    const invitees = await this.resolveInvitees(host, valid);
    if (!(await repo.updateSchedule(this.deps.db, id, this.rowOf(valid)))) throw new Conflict('This room is no longer scheduled');
    const previous = await repo.listInvites(this.deps.db, id);
    for (const old of previous) if (!invitees.some((i) => i.user.id === old.user_id)) await repo.deleteInvite(this.deps.db, id, old.user_id);
    const newlyInvited = invitees.filter((invitee) => previous.find((p) => p.user_id === invitee.user.id)?.kind !== invitee.kind);
    for (const invitee of newlyInvited) await repo.upsertInvite(this.deps.db, id, invitee.user.id, invitee.kind);
    const after = (await this.find(id))!;
    await this.tellInvited(newlyInvited, after, host);
    if (after.starts_at !== before.starts_at) {
      await this.tell(await this.concerned(id), 'roomRescheduled', after, host, `roomRescheduled:${id}:${after.starts_at}`);
    }
    return after;
  }

  /** The host cancels (an admin may too): people with a reminder and invitees are told. */
  async cancel(actor: User, id: string): Promise<void> {
    const schedule = await this.find(id);
    if (!schedule) throw new NotFound('No such room');
    if (schedule.host_id !== actor.id && actor.role !== 'admin') throw new Forbidden('Only the host can cancel this room');
    if (!(await repo.moveStatus(this.deps.db, id, 'scheduled', 'cancelled'))) throw new Conflict(`This room is ${schedule.status}, it cannot be cancelled`);
    const host = (await this.deps.users.byId(schedule.host_id))!;
    await this.tell(await this.concerned(id), 'roomCancelled', schedule, host, `roomCancelled:${id}`);
  }

  /**
   * The host starts it, from 15 minutes before its time until the grace period ends. The live room
   * keeps the id; accepted invitees are seated as they join; people with a reminder are told.
   */
  async start(host: User, id: string, zone?: string): Promise<Room> {
    const schedule = await this.find(id);
    if (!schedule) throw new NotFound('No such room');
    if (schedule.host_id !== host.id) throw new Forbidden('Only the host can start this room');
    if (schedule.status !== 'scheduled') throw new Conflict(`This room is ${schedule.status}, it cannot be started`);
    const now = this.now().getTime();
    const startsAt = Date.parse(schedule.starts_at);
    if (now < startsAt - earlyStartMs) {
      const time = formatTime(new Date(startsAt - earlyStartMs), zone ?? schedule.time_zone, host.language === 'fr' ? 'fr' : 'en');
      throw new FormInvalid([{ field: 'form', key: 'schedule.error.tooEarly', params: { time } }], 'conflict');
    }
    if (now > startsAt + this.graceMs()) {
      await repo.moveStatus(this.deps.db, id, 'scheduled', 'missed');
      throw new Conflict('This room was not started in time and is marked missed');
    }
    if (!(await repo.moveStatus(this.deps.db, id, 'scheduled', 'started'))) throw new Conflict('This room is already starting');
    let room: Room;
    try {
      room = await this.deps.rooms.createAndStart(host, { title: schedule.title, topics: schedule.topics.join(','), speakPolicy: schedule.speak_policy, recordIntent: schedule.record_intent ? '1' : '' }, { id });
    } catch (error) {
      await repo.moveStatus(this.deps.db, id, 'started', 'scheduled'); // not live after all: still scheduled
      throw error;
    }
    const live = this.deps.live.get(id);
    for (const invite of await repo.listInvites(this.deps.db, id)) {
      if (invite.status === 'accepted') live?.state.seatedInAdvance.set(invite.user_id, invite.kind);
    }
    await this.tell(await repo.reminderHolders(this.deps.db, id), 'roomStarting', schedule, host, `roomStarting:${id}`);
    return room;
  }

  /** An invitee accepts or declines. */
  async respond(user: User, id: string, answer: 'accept' | 'decline'): Promise<void> {
    const schedule = await this.visible(id, user);
    if (schedule.status !== 'scheduled') throw new Conflict(`This room is ${schedule.status}`);
    const ok = await repo.setInviteStatus(this.deps.db, id, user.id, answer === 'accept' ? 'accepted' : 'declined');
    if (!ok) throw new Forbidden('You are not invited to this room');
  }

  async setReminder(user: User, id: string, on: boolean): Promise<void> {
    const schedule = await this.visible(id, user);
    if (!on) return void (await repo.removeReminder(this.deps.db, id, user.id));
    if (schedule.status !== 'scheduled') throw new Conflict(`This room is ${schedule.status}`);
    await repo.addReminder(this.deps.db, id, user.id);
  }

  hasReminder(id: string, userId: number) {
    return repo.hasReminder(this.deps.db, id, userId);
  }

  reminderCount(id: string) {
    return repo.reminderCount(this.deps.db, id);
  }

  upcomingOfHost(hostId: number) {
    return repo.listUpcomingOfHost(this.deps.db, hostId);
  }

  /** Upcoming rooms for home: hosts who blocked the viewer left out, followed hosts first, then soonest. */
  async upcomingFor(viewer: User | null, limit = 20): Promise<Schedule[]> {
    const rooms = await repo.listUpcoming(this.deps.db, 200);
    if (!viewer) return rooms.slice(0, limit);
    const [hidden, followed] = await Promise.all([this.deps.social.blockersOf(viewer.id), this.deps.social.followees(viewer.id)]);
    return rooms
      .filter((r) => !hidden.has(r.host_id))
      .sort((a, b) => Number(followed.has(b.host_id)) - Number(followed.has(a.host_id)) || a.starts_at.localeCompare(b.starts_at))
      .slice(0, limit);
  }

  /**
   * The timer's round: the host hears "starting in 15 minutes" (late if the server was down then:
   * once, by its dedupe key), and rooms not started within the grace period are marked missed.
   */
  async processDue(): Promise<{ startingSoon: number; missed: number }> {
    const now = this.now().getTime();
    let startingSoon = 0;
    let missed = 0;
    for (const schedule of await repo.listScheduledBefore(this.deps.db, new Date(now + startingSoonMs))) {
      const startsAt = Date.parse(schedule.starts_at);
      if (now > startsAt + this.graceMs()) {
        if (await repo.moveStatus(this.deps.db, schedule.id, 'scheduled', 'missed')) missed++;
        continue;
      }
      const host = await this.deps.users.byId(schedule.host_id);
      if (!host) continue;
      const minutes = Math.max(0, Math.round((startsAt - now) / 60_000));
      startingSoon += await this.tell([host.id], 'roomStartingSoon', schedule, host, `roomStartingSoon:${schedule.id}:${schedule.starts_at}`, { minutes });
    }
    return { startingSoon, missed };
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private graceMs() {
    return this.deps.settings.get().scheduleGraceMinutes * 60_000;
  }

  private async requireHosting(host: User) {
    const eligibility = await this.deps.hosting.eligibility(host);
    if (!eligibility.allowed) {
      throw new FormInvalid([{ field: 'form', key: 'room.cannotHost', params: { followers: eligibility.followers, needed: eligibility.needed } }], 'forbidden');
    }
  }

  private async ownSchedule(host: User, id: string): Promise<Schedule> {
    const schedule = await this.find(id);
    if (!schedule) throw new NotFound('No such room');
    if (schedule.host_id !== host.id) throw new Forbidden('Only the host can change this room');
    if (schedule.status !== 'scheduled') throw new Conflict(`This room is ${schedule.status}, it cannot be changed`);
    return schedule;
  }

  private rowOf(valid: ValidSchedule) {
    const recordIntent = valid.recordIntent && this.deps.settings.get().recordingAllowed !== 'no';
    return {
      title: valid.title,
      description: valid.description,
      topics: valid.topics,
      speak_policy: valid.speakPolicy,
      record_intent: recordIntent ? 1 : 0,
      starts_at: valid.startsAt.toISOString(),
      time_zone: valid.timeZone,
    };
  }

  /** The accounts behind the handles: known, not the host, not blocked either way, within the room's limits. */
  private async resolveInvitees(host: User, valid: ValidSchedule): Promise<{ user: User; kind: repo.InviteKind }[]> {
    const errors = new FieldErrors();
    const settings = this.deps.settings.get();
    if (valid.cohosts.length > settings.maxCohostsPerRoom) errors.add('cohosts', 'schedule.error.tooManyCohosts', { max: settings.maxCohostsPerRoom });
    if (valid.speakers.length > settings.maxSpeakersPerRoom) errors.add('speakers', 'schedule.error.tooManySpeakers', { max: settings.maxSpeakersPerRoom });
    const invitees: { user: User; kind: repo.InviteKind }[] = [];
    for (const [field, kind, handles] of [['speakers', 'speaker', valid.speakers], ['cohosts', 'cohost', valid.cohosts]] as const) {
      for (const handle of handles) {
        const user = await this.deps.users.byHandle(handle);
        if (!user || user.suspended_at) errors.add(field, 'schedule.error.unknownHandle', { handle });
        else if (user.id === host.id) errors.add(field, 'schedule.error.inviteSelf');
        else if (await this.deps.social.blockedEitherWay(host.id, user.id)) errors.add(field, 'schedule.error.cannotInvite', { handle });
        else invitees.push({ user, kind });
      }
    }
    errors.throwIfAny();
    return invitees;
  }

  /** People with a reminder and invitees who have not declined. */
  private async concerned(id: string): Promise<number[]> {
    const invitees = (await repo.listInvites(this.deps.db, id)).filter((i) => i.status !== 'declined').map((i) => i.user_id);
    return [...new Set([...(await repo.reminderHolders(this.deps.db, id)), ...invitees])];
  }

  private async tellInvited(invitees: { user: User; kind: repo.InviteKind }[], schedule: Schedule, host: User) {
    for (const kind of ['speaker', 'cohost'] as const) {
      const ids = invitees.filter((i) => i.kind === kind).map((i) => i.user.id);
      await this.tell(ids, 'scheduledInvite', schedule, host, `scheduledInvite:${schedule.id}:${kind}`, {}, { as: kind });
    }
  }

  private async tell(userIds: number[], kind: NotificationKind, schedule: Schedule, host: User, dedupeKey: string, extra: Record<string, number> = {}, words: Record<string, string> = {}): Promise<number> {
    const recipients = userIds.filter((id) => id !== host.id || kind === 'roomStartingSoon');
    if (!recipients.length) return 0;
    try {
      return await this.deps.notifier.notify({
        userIds: recipients,
        kind,
        payload: { url: `/r/${schedule.id}`, params: { title: schedule.title, host: host.display_name, handle: host.handle, startsAt: schedule.starts_at, ...extra, ...words } },
        dedupeKey,
        // Whoever blocked the host, or was blocked by them, is left out (the host's own notice is about nobody else).
        actorId: kind === 'roomStartingSoon' ? undefined : host.id,
      });
    } catch (error) {
      // The room's own change stands; the notice is logged (the timer or the next change tries again).
      this.deps.log.error('could not notify about a scheduled room', { room: schedule.id, kind, error });
      return 0;
    }
  }
}
