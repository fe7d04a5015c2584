// The live room as an explicit state machine: who is here, in which role, muted or not, the hand
// queue, pending invitations, the acting host and the hostless grace period. Pure logic: no I/O,
// time is passed in. Every command either returns the events it caused or throws a RoomError and
// changes nothing.
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

  // ---- commands --------------------------------------------------------------------------------

  command(actorId: string, cmd: RoomCommand, now: number): RoomEvent[] {
    this.assertLive();
    const actor = this.participants.get(actorId);
    if (!actor) throw new RoomError('notFound', 'You are not in this room');
    switch (cmd.type) {
      case 'raiseHand':
        return this.raiseHand(actor, now);
      case 'lowerHand':
        if (actor.handRaisedAt === null) throw new RoomError('invalidState', 'Your hand is not raised');
        actor.handRaisedAt = null;
        return [{ type: 'handLowered', id: actor.id, reason: 'self' }];
      case 'approveHand': {
        this.requireManager(actor);
        const target = this.target(cmd.target);
        if (target.handRaisedAt === null) throw new RoomError('invalidState', `${target.name} has not raised their hand`);
        return this.invite(target, 'speaker');
      }
      case 'denyHand': {
        this.requireManager(actor);
        const target = this.target(cmd.target);
        if (target.handRaisedAt === null) throw new RoomError('invalidState', `${target.name} has not raised their hand`);
        target.handRaisedAt = null;
        return [{ type: 'handLowered', id: target.id, reason: 'denied' }];
      }
      case 'nextHand': {
        this.requireManager(actor);
        const first = this.hands()[0];
        if (!first) throw new RoomError('invalidState', 'No hand is raised');
        return this.invite(first, 'speaker');
      }
      case 'inviteToSpeak': {
        this.requireManager(actor);
        return this.invite(this.target(cmd.target), 'speaker');
      }
      case 'inviteCohost': {
        if (!this.hasHostPowers(actor.id)) throw new RoomError('forbidden', 'Only the host can add co-hosts');
        return this.invite(this.target(cmd.target), 'cohost');
      }
      case 'acceptInvite':
        return this.acceptInvite(actor, now);
      case 'declineInvite': {
        const kind = actor.pendingInvite;
        if (!kind) throw new RoomError('invalidState', 'You have no pending invitation');
        actor.pendingInvite = null;
        return [{ type: 'inviteDeclined', id: actor.id, as: kind }];
      }
      case 'mute':
        this.requireStage(actor);
        return this.setMuted(actor, true, false);
      case 'unmute':
        this.requireStage(actor);
        return this.setMuted(actor, false, false);
      case 'muteSpeaker': {
        this.requireManager(actor);
        const target = this.target(cmd.target);
        if (target.role === 'listener') throw new RoomError('invalidState', `${target.name} is not on stage`);
        this.requireAuthorityOver(actor, target);
        return this.setMuted(target, true, true);
      }
      case 'muteAll': {
        this.requireManager(actor);
        const events: RoomEvent[] = [];
        for (const p of this.stage()) {
          if (p.id === actor.id || p.muted) continue;
          if (p.role === 'host' || (p.role === 'cohost' && !this.hasHostPowers(actor.id))) continue;
          events.push(...this.setMuted(p, true, true));
        }
        return events;
      }
      case 'moveToListeners': {
        this.requireManager(actor);
        const target = this.target(cmd.target);
        if (target.role === 'listener') throw new RoomError('invalidState', `${target.name} is already a listener`);
        this.requireAuthorityOver(actor, target);
        return this.setRole(target, 'listener', now);
      }
      case 'leaveStage':
        if (actor.role === 'host') throw new RoomError('forbidden', 'The host stays on stage; end the room to leave it');
        if (actor.role === 'listener') throw new RoomError('invalidState', 'You are not on stage');
        return this.setRole(actor, 'listener', now);
      case 'remove': {
        const target = this.target(cmd.target);
        if (actor.moderator && target.id !== actor.id) return this.expel(target.id, now);
        this.requireManager(actor);
        this.requireAuthorityOver(actor, target);
        return this.expel(target.id, now);
      }
      case 'end':
        if (this.hasHostPowers(actor.id)) return this.end('host');
        if (actor.moderator) return this.end('moderator');
        throw new RoomError('forbidden', 'Only the host can end the room');
      case 'react':
        if (actor.userId === null) throw new RoomError('signInRequired', 'Sign in to react');
        return [{ type: 'reacted', id: actor.id, emoji: cmd.emoji }];
      case 'startRecording':
        if (!this.hasHostPowers(actor.id)) throw new RoomError('forbidden', 'Only the host can record the room');
        return this.setRecording(true, actor);
      case 'stopRecording':
        if (!this.hasHostPowers(actor.id)) throw new RoomError('forbidden', 'Only the host can stop the recording');
        return this.setRecording(false, actor);
      case 'consentToRecording':
        if (!this.recording) throw new RoomError('invalidState', 'This room is not being recorded');
        if (actor.role === 'listener' && !actor.pendingInvite) throw new RoomError('invalidState', 'Listeners are never recorded');
        if (actor.recordingConsent) return [];
        actor.recordingConsent = true;
        return [{ type: 'recordingConsented', id: actor.id }];
    }
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

  private setRecording(on: boolean, actor: Participant): RoomEvent[] {
    if (this.recording === on) throw new RoomError('invalidState', on ? 'The room is already being recorded' : 'The room is not being recorded');
    this.recording = on;
    const events: RoomEvent[] = [{ type: 'recordingChanged', recording: on, by: actor.id }];
    // Starting the recording is the host's own consent.
    if (on && !actor.recordingConsent) {
      actor.recordingConsent = true;
      events.push({ type: 'recordingConsented', id: actor.id });
    }
    return events;
  }

  private raiseHand(actor: Participant, now: number): RoomEvent[] {
    if (actor.userId === null) throw new RoomError('signInRequired', 'Sign in to ask to speak');
    if (actor.role !== 'listener') throw new RoomError('invalidState', 'You are already on stage');
    if (this.config.speakPolicy === 'invited') throw new RoomError('forbidden', 'In this room only people the host invites may speak');
    if (actor.handRaisedAt !== null) throw new RoomError('invalidState', 'Your hand is already raised');
    actor.handRaisedAt = now;
    return [{ type: 'handRaised', id: actor.id, name: actor.name, handle: actor.handle, raisedAt: now }];
  }

  /** An invitation waits for the person's consent (accept/decline). */
  private invite(target: Participant, kind: InviteKind): RoomEvent[] {
    if (target.userId === null) throw new RoomError('forbidden', 'Anonymous listeners cannot be invited on stage');
    if (kind === 'speaker' && target.role !== 'listener') throw new RoomError('invalidState', `${target.name} is already on stage`);
    if (kind === 'cohost' && (target.role === 'host' || target.role === 'cohost')) throw new RoomError('invalidState', `${target.name} is already a host`);
    this.checkRoomFor(kind, target);
    const events: RoomEvent[] = [];
    if (target.handRaisedAt !== null) {
      target.handRaisedAt = null;
      events.push({ type: 'handLowered', id: target.id, reason: 'invited' });
    }
    target.pendingInvite = kind;
    events.push({ type: 'invited', id: target.id, as: kind });
    return events;
  }

  private acceptInvite(actor: Participant, now: number): RoomEvent[] {
    const kind = actor.pendingInvite;
    if (!kind) throw new RoomError('invalidState', 'You have no pending invitation');
    this.checkRoomFor(kind, actor); // the stage may have filled since the invitation
    actor.pendingInvite = null;
    // A new speaker arrives muted and unmutes when ready, as in every audio room app.
    if (kind === 'speaker') actor.muted = true;
    return this.setRole(actor, kind, now);
  }

  private hasRoomFor(kind: InviteKind, target: Participant): boolean {
    try {
      this.checkRoomFor(kind, target);
      return true;
    } catch {
      return false;
    }
  }

  private checkRoomFor(kind: InviteKind, target: Participant) {
    const { maxCohosts, maxSpeakers } = this.config.limits;
    if (kind === 'cohost' && this.count('cohost') >= maxCohosts) throw new RoomError('limitReached', `A room has at most ${maxCohosts} co-hosts`);
    if (kind === 'speaker' && target.role === 'listener' && this.count('speaker') >= maxSpeakers) {
      throw new RoomError('limitReached', `A room has at most ${maxSpeakers} speakers`);
    }
  }

  private setRole(p: Participant, role: Role, now: number): RoomEvent[] {
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

  private setMuted(p: Participant, muted: boolean, byModerator: boolean): RoomEvent[] {
    if (p.muted === muted && (!muted || p.mutedByModerator === byModerator)) return [];
    p.muted = muted;
    p.mutedByModerator = muted && byModerator;
    return [{ type: 'muteChanged', id: p.id, muted, byModerator: p.mutedByModerator }];
  }

  /** Host powers are needed over co-hosts; nobody acts on the host; nobody removes themselves. */
  private requireAuthorityOver(actor: Participant, target: Participant) {
    if (target.id === actor.id) throw new RoomError('invalidState', 'You cannot do that to yourself');
    if (target.role === 'host') throw new RoomError('forbidden', 'Nobody can do that to the host');
    if (target.role === 'cohost' && !this.hasHostPowers(actor.id)) throw new RoomError('forbidden', 'Only the host can do that to a co-host');
  }

  private requireManager(actor: Participant) {
    if (!this.isManager(actor.id)) throw new RoomError('forbidden', 'Only the host and co-hosts can do that');
  }

  private requireStage(actor: Participant) {
    if (!stageRoles.includes(actor.role)) throw new RoomError('forbidden', 'Only people on stage have a microphone');
  }

  private target(id: string): Participant {
    const p = this.participants.get(id);
    if (!p) throw new RoomError('notFound', 'That person is not in the room');
    return p;
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
