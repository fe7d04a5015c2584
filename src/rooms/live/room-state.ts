// The live room as an explicit state machine: who is here, in which role, muted or not, the hand
// queue, pending invitations, the acting host and the hostless grace period. Pure logic: no I/O,
// time is passed in. Every command either returns the events it caused or throws a RoomError and
// changes nothing.
import { commandEvents } from './room-commands';
import {
  RoomError,
  stageRoles,
  type EndReason,
  type InviteKind,
  type Participant,
  type Person,
  type PublicParticipant,
  type Role,
  type RoomCommand,
  type RoomEvent,
  type RoomLimits,
  type SpeakPolicy,
} from './room.model';

export interface RoomStateConfig {
  id: string;
  hostUserId: number;
  speakPolicy: SpeakPolicy;
  limits: RoomLimits;
}

export class RoomState {
  readonly participants = new Map<string, Participant>();
  /**
   * Participants by role, and those whose connection dropped, kept in step with every change: joins
   * and events in a room of thousands ask for counts, the stage and the host without scanning everyone.
   */
  private readonly byRole: Record<Role, Set<Participant>> = { host: new Set(), cohost: new Set(), speaker: new Set(), listener: new Set() };
  private readonly disconnected = new Set<Participant>();
  status: 'live' | 'ended' = 'live';
  endReason: EndReason | null = null;
  /** A co-host standing in while the host is disconnected or gone. */
  actingHostId: string | null = null;
  /** Since when neither host nor co-host is connected (null while one is). */
  hostlessSince: number | null = null;
  /** The stage is being recorded (the host decides; people on stage consent one by one). */
  recording = false;
  /**
   * People a scheduled room's host invited in advance and who accepted (user id → role): on their
   * first join they go straight on stage (muted; in a recorded room their microphone still waits
   * for their consent), or get the invitation to accept when the stage is full.
   */
  readonly seatedInAdvance = new Map<number, InviteKind>();

  constructor(readonly config: RoomStateConfig) {}

  // ---- queries -------------------------------------------------------------------------------

  get(id: string): Participant | undefined {
    return this.participants.get(id);
  }

  count(role: Role): number {
    return this.byRole[role].size;
  }

  listenerCount(): number {
    return this.count('listener');
  }

  stage(): Participant[] {
    const byJoin = (a: Participant, b: Participant) => a.joinedAt - b.joinedAt;
    return stageRoles.flatMap((role) => [...this.byRole[role]].sort(byJoin));
  }

  /** Raised hands, first asked first. */
  hands(): Participant[] {
    return [...this.participants.values()].filter((p) => p.handRaisedAt !== null).sort((a, b) => a.handRaisedAt! - b.handRaisedAt!);
  }

  /** Host, co-hosts: may run the stage. */
  isManager(id: string): boolean {
    const p = this.participants.get(id);
    return !!p && (p.role === 'host' || p.role === 'cohost');
  }

  /** The host, or the co-host acting for them. */
  hasHostPowers(id: string): boolean {
    const p = this.participants.get(id);
    return !!p && (p.role === 'host' || this.actingHostId === id);
  }

  view(p: Participant): PublicParticipant {
    return { id: p.id, handle: p.handle, name: p.name, avatar: p.avatar, role: p.role, muted: p.muted, connected: p.connected, anonymous: p.userId === null };
  }

  // ---- arrivals and departures -----------------------------------------------------------------

  /** Someone connects. A known participant (reconnect) gets their role back; stage members return muted. */
  join(person: Person, now: number): { participant: Participant; events: RoomEvent[]; reconnected: boolean } {
    this.assertLive();
    const existing = this.participants.get(person.id);
    if (existing) {
      const events: RoomEvent[] = [];
      const wasConnected = existing.connected;
      existing.connected = true;
      existing.disconnectedAt = null;
      this.disconnected.delete(existing);
      Object.assign(existing, { name: person.name, avatar: person.avatar, handle: person.handle });
      if (!wasConnected && existing.role !== 'listener') {
        events.push({ type: 'connectionChanged', id: existing.id, connected: true });
        if (!existing.muted) {
          existing.muted = true;
          events.push({ type: 'muteChanged', id: existing.id, muted: true, byModerator: false });
        }
      }
      events.push(...this.afterPresenceChange(now));
      return { participant: existing, events, reconnected: true };
    }
    const isHost = person.userId === this.config.hostUserId;
    const max = this.config.limits.maxListeners;
    if (!isHost && max > 0 && this.listenerCount() >= max) throw new RoomError('roomFull', 'This room is full');
    const participant: Participant = {
      ...person,
      role: isHost ? 'host' : 'listener',
      muted: true,
      mutedByModerator: false,
      connected: true,
      joinedAt: now,
      disconnectedAt: null,
      handRaisedAt: null,
      pendingInvite: null,
      recordingConsent: isHost, // the host decides whether the room is recorded
    };
    const seat = person.userId === null || isHost ? undefined : this.seatedInAdvance.get(person.userId);
    if (seat) {
      this.seatedInAdvance.delete(person.userId!); // once: a later move to the listeners holds
      if (this.hasRoomFor(seat, participant)) participant.role = seat;
      else participant.pendingInvite = seat;
    }
    this.participants.set(person.id, participant);
    this.byRole[participant.role].add(participant);
    const events: RoomEvent[] = [{ type: 'participantJoined', participant: this.view(participant) }];
    if (participant.pendingInvite) events.push({ type: 'invited', id: participant.id, as: participant.pendingInvite });
    events.push(...this.afterPresenceChange(now));
    return { participant, events, reconnected: false };
  }

  /** The connection dropped: they keep their place for `reconnectMs`. */
  disconnect(id: string, now: number): RoomEvent[] {
    const p = this.participants.get(id);
    if (!p || !p.connected || this.status === 'ended') return [];
    p.connected = false;
    p.disconnectedAt = now;
    this.disconnected.add(p);
    const events: RoomEvent[] = p.role === 'listener' ? [] : [{ type: 'connectionChanged', id, connected: false }];
    return [...events, ...this.afterPresenceChange(now)];
  }

  /** They are gone for good (left, expired, or removed). */
  leave(id: string, now: number): RoomEvent[] {
    const p = this.participants.get(id);
    if (!p) return [];
    this.participants.delete(id);
    this.byRole[p.role].delete(p);
    this.disconnected.delete(p);
    const events: RoomEvent[] = [];
    if (p.handRaisedAt !== null) events.push({ type: 'handLowered', id, reason: 'left' });
    events.push({ type: 'participantLeft', id, role: p.role });
    if (this.status === 'live') events.push(...this.afterPresenceChange(now));
    return events;
  }

  /** Out of the room for good, whatever their role (a host's removal, a block, an admin's decision). */
  expel(id: string, now: number): RoomEvent[] {
    if (!this.participants.has(id)) return [];
    return [{ type: 'participantRemoved', id }, ...this.leave(id, now)];
  }

  /** Time passes: expire lost connections, end a room left without host or co-host. */
  tick(now: number): RoomEvent[] {
    if (this.status === 'ended') return [];
    const events: RoomEvent[] = [];
    for (const p of [...this.disconnected]) {
      if (p.disconnectedAt !== null && now - p.disconnectedAt >= this.config.limits.reconnectMs) events.push(...this.leave(p.id, now));
    }
    if (this.status === 'live' && this.hostlessSince !== null && now - this.hostlessSince >= this.config.limits.graceMs) {
      events.push(...this.end('noHost'));
    }
    return events;
  }

  end(reason: EndReason): RoomEvent[] {
    if (this.status === 'ended') return [];
    this.status = 'ended';
    this.endReason = reason;
    return [{ type: 'roomEnded', reason }];
  }

  // ---- commands (their rules live in room-commands.ts) -----------------------------------------

  command(actorId: string, cmd: RoomCommand, now: number): RoomEvent[] {
    this.assertLive();
    const actor = this.participants.get(actorId);
    if (!actor) throw new RoomError('notFound', 'You are not in this room');
    return commandEvents(this, actor, cmd, now);
  }

  /** Recording stops on the server's own decision (storage quota, a failing recorder). */
  stopRecording(reason: 'quota' | 'failed'): RoomEvent[] {
    if (!this.recording || this.status === 'ended') return [];
    this.recording = false;
    return [{ type: 'recordingChanged', recording: false, by: null, reason }];
  }

  /** May this person's microphone go out? While recording, only after they consented. */
  maySend(id: string): boolean {
    const p = this.participants.get(id);
    return !!p && stageRoles.includes(p.role) && (!this.recording || p.recordingConsent);
  }

  // ---- rules -----------------------------------------------------------------------------------

  hasRoomFor(kind: InviteKind, target: Participant): boolean {
    try {
      this.checkRoomFor(kind, target);
      return true;
    } catch {
      return false;
    }
  }

  /** Throws when the stage has no seat of that kind left for them. */
  checkRoomFor(kind: InviteKind, target: Participant) {
    const { maxCohosts, maxSpeakers } = this.config.limits;
    if (kind === 'cohost' && this.count('cohost') >= maxCohosts) throw new RoomError('limitReached', `A room has at most ${maxCohosts} co-hosts`);
    if (kind === 'speaker' && target.role === 'listener' && this.count('speaker') >= maxSpeakers) {
      throw new RoomError('limitReached', `A room has at most ${maxSpeakers} speakers`);
    }
  }

  /** Moves someone to a role, keeping the role index, hands and mutes in step. */
  setRole(p: Participant, role: Role, now: number): RoomEvent[] {
    const previous = p.role;
    p.role = role;
    this.byRole[previous].delete(p);
    this.byRole[role].add(p);
    p.handRaisedAt = role === 'listener' ? p.handRaisedAt : null;
    if (role === 'listener') {
      p.muted = true;
      p.mutedByModerator = false;
      p.pendingInvite = null;
    }
    return [{ type: 'roleChanged', id: p.id, role, previous, muted: p.muted }, ...this.afterPresenceChange(now)];
  }

  setMuted(p: Participant, muted: boolean, byModerator: boolean): RoomEvent[] {
    if (p.muted === muted && (!muted || p.mutedByModerator === byModerator)) return [];
    p.muted = muted;
    p.mutedByModerator = muted && byModerator;
    return [{ type: 'muteChanged', id: p.id, muted, byModerator: p.mutedByModerator }];
  }

  private assertLive() {
    if (this.status === 'ended') throw new RoomError('ended', 'This room has ended');
  }

  /** Recomputes the acting host and the hostless clock after anyone comes, goes or changes role. */
  private afterPresenceChange(now: number): RoomEvent[] {
    const events: RoomEvent[] = [];
    const [host] = this.byRole.host;
    const hostHere = !!host?.connected;
    const acting = this.actingHostId ? this.participants.get(this.actingHostId) : undefined;
    const actingValid = !!acting && acting.role === 'cohost' && acting.connected;
    let nextActing: string | null = null;
    if (!hostHere) {
      nextActing = actingValid ? acting!.id : ([...this.byRole.cohost].find((p) => p.connected)?.id ?? null);
    }
    if (nextActing !== this.actingHostId) {
      this.actingHostId = nextActing;
      events.push({ type: 'actingHostChanged', id: nextActing });
    }
    const anyLeader = hostHere || nextActing !== null;
    if (anyLeader) this.hostlessSince = null;
    else this.hostlessSince ??= now;
    return events;
  }
}
