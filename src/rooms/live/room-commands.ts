// What each room command does, given who asks: the rules of the stage (hands, invitations, mutes,
// removals, recording and consent). Pure, like RoomState: it reads the state, changes it through
// RoomState's primitives, and returns the events, or throws a RoomError having changed nothing.
import type { RoomState } from './room-state';
import { RoomError, stageRoles, type InviteKind, type Participant, type RoomCommand, type RoomEvent } from './room.model';

export function commandEvents(room: RoomState, actor: Participant, cmd: RoomCommand, now: number): RoomEvent[] {
  switch (cmd.type) {
    case 'raiseHand':
      return raiseHand(room, actor, now);
    case 'lowerHand':
      if (actor.handRaisedAt === null) throw new RoomError('invalidState', 'Your hand is not raised');
      actor.handRaisedAt = null;
      return [{ type: 'handLowered', id: actor.id, reason: 'self' }];
    case 'approveHand': {
      requireManager(room, actor);
      const target = personIn(room, cmd.target);
      if (target.handRaisedAt === null) throw new RoomError('invalidState', `${target.name} has not raised their hand`);
      return invite(room, target, 'speaker');
    }
    case 'denyHand': {
      requireManager(room, actor);
      const target = personIn(room, cmd.target);
      if (target.handRaisedAt === null) throw new RoomError('invalidState', `${target.name} has not raised their hand`);
      target.handRaisedAt = null;
      return [{ type: 'handLowered', id: target.id, reason: 'denied' }];
    }
    case 'nextHand': {
      requireManager(room, actor);
      const first = room.hands()[0];
      if (!first) throw new RoomError('invalidState', 'No hand is raised');
      return invite(room, first, 'speaker');
    }
    case 'inviteToSpeak': {
      requireManager(room, actor);
      return invite(room, personIn(room, cmd.target), 'speaker');
    }
    case 'inviteCohost': {
      if (!room.hasHostPowers(actor.id)) throw new RoomError('forbidden', 'Only the host can add co-hosts');
      return invite(room, personIn(room, cmd.target), 'cohost');
    }
    case 'acceptInvite':
      return acceptInvite(room, actor, now);
    case 'declineInvite': {
      const kind = actor.pendingInvite;
      if (!kind) throw new RoomError('invalidState', 'You have no pending invitation');
      actor.pendingInvite = null;
      return [{ type: 'inviteDeclined', id: actor.id, as: kind }];
    }
    case 'mute':
      requireStage(actor);
      return room.setMuted(actor, true, false);
    case 'unmute':
      requireStage(actor);
      return room.setMuted(actor, false, false);
    case 'muteSpeaker': {
      requireManager(room, actor);
      const target = personIn(room, cmd.target);
      if (target.role === 'listener') throw new RoomError('invalidState', `${target.name} is not on stage`);
      requireAuthorityOver(room, actor, target);
      return room.setMuted(target, true, true);
    }
    case 'muteAll': {
      requireManager(room, actor);
      const events: RoomEvent[] = [];
      for (const p of room.stage()) {
        if (p.id === actor.id || p.muted) continue;
        if (p.role === 'host' || (p.role === 'cohost' && !room.hasHostPowers(actor.id))) continue;
        events.push(...room.setMuted(p, true, true));
      }
      return events;
    }
    case 'moveToListeners': {
      requireManager(room, actor);
      const target = personIn(room, cmd.target);
      if (target.role === 'listener') throw new RoomError('invalidState', `${target.name} is already a listener`);
      requireAuthorityOver(room, actor, target);
      return room.setRole(target, 'listener', now);
    }
    case 'leaveStage':
      if (actor.role === 'host') throw new RoomError('forbidden', 'The host stays on stage; end the room to leave it');
      if (actor.role === 'listener') throw new RoomError('invalidState', 'You are not on stage');
      return room.setRole(actor, 'listener', now);
    case 'remove': {
      const target = personIn(room, cmd.target);
      if (actor.moderator && target.id !== actor.id) return room.expel(target.id, now);
      requireManager(room, actor);
      requireAuthorityOver(room, actor, target);
      return room.expel(target.id, now);
    }
    case 'end':
      if (room.hasHostPowers(actor.id)) return room.end('host');
      if (actor.moderator) return room.end('moderator');
      throw new RoomError('forbidden', 'Only the host can end the room');
    case 'react':
      if (actor.userId === null) throw new RoomError('signInRequired', 'Sign in to react');
      return [{ type: 'reacted', id: actor.id, emoji: cmd.emoji }];
    case 'startRecording':
      if (!room.hasHostPowers(actor.id)) throw new RoomError('forbidden', 'Only the host can record the room');
      return setRecording(room, true, actor);
    case 'stopRecording':
      if (!room.hasHostPowers(actor.id)) throw new RoomError('forbidden', 'Only the host can stop the recording');
      return setRecording(room, false, actor);
    case 'consentToRecording':
      if (!room.recording) throw new RoomError('invalidState', 'This room is not being recorded');
      if (actor.role === 'listener' && !actor.pendingInvite) throw new RoomError('invalidState', 'Listeners are never recorded');
      if (actor.recordingConsent) return [];
      actor.recordingConsent = true;
      return [{ type: 'recordingConsented', id: actor.id }];
  }
}

function setRecording(room: RoomState, on: boolean, actor: Participant): RoomEvent[] {
  if (room.recording === on) throw new RoomError('invalidState', on ? 'The room is already being recorded' : 'The room is not being recorded');
  room.recording = on;
  const events: RoomEvent[] = [{ type: 'recordingChanged', recording: on, by: actor.id }];
  // Starting the recording is the host's own consent.
  if (on && !actor.recordingConsent) {
    actor.recordingConsent = true;
    events.push({ type: 'recordingConsented', id: actor.id });
  }
  return events;
}

function raiseHand(room: RoomState, actor: Participant, now: number): RoomEvent[] {
  if (actor.userId === null) throw new RoomError('signInRequired', 'Sign in to ask to speak');
  if (actor.role !== 'listener') throw new RoomError('invalidState', 'You are already on stage');
  if (room.config.speakPolicy === 'invited') throw new RoomError('forbidden', 'In this room only people the host invites may speak');
  if (actor.handRaisedAt !== null) throw new RoomError('invalidState', 'Your hand is already raised');
  actor.handRaisedAt = now;
  return [{ type: 'handRaised', id: actor.id, name: actor.name, handle: actor.handle, raisedAt: now }];
}

/** An invitation waits for the person's consent (accept/decline). */
function invite(room: RoomState, target: Participant, kind: InviteKind): RoomEvent[] {
  if (target.userId === null) throw new RoomError('forbidden', 'Anonymous listeners cannot be invited on stage');
  if (kind === 'speaker' && target.role !== 'listener') throw new RoomError('invalidState', `${target.name} is already on stage`);
  if (kind === 'cohost' && (target.role === 'host' || target.role === 'cohost')) throw new RoomError('invalidState', `${target.name} is already a host`);
  room.checkRoomFor(kind, target);
  const events: RoomEvent[] = [];
  if (target.handRaisedAt !== null) {
    target.handRaisedAt = null;
    events.push({ type: 'handLowered', id: target.id, reason: 'invited' });
  }
  target.pendingInvite = kind;
  events.push({ type: 'invited', id: target.id, as: kind });
  return events;
}

function acceptInvite(room: RoomState, actor: Participant, now: number): RoomEvent[] {
  const kind = actor.pendingInvite;
  if (!kind) throw new RoomError('invalidState', 'You have no pending invitation');
  room.checkRoomFor(kind, actor); // the stage may have filled since the invitation
  actor.pendingInvite = null;
  // A new speaker arrives muted and unmutes when ready, as in every audio room app.
  if (kind === 'speaker') actor.muted = true;
  return room.setRole(actor, kind, now);
}

/** Host powers are needed over co-hosts; nobody acts on the host; nobody removes themselves. */
function requireAuthorityOver(room: RoomState, actor: Participant, target: Participant) {
  if (target.id === actor.id) throw new RoomError('invalidState', 'You cannot do that to yourself');
  if (target.role === 'host') throw new RoomError('forbidden', 'Nobody can do that to the host');
  if (target.role === 'cohost' && !room.hasHostPowers(actor.id)) throw new RoomError('forbidden', 'Only the host can do that to a co-host');
}

function requireManager(room: RoomState, actor: Participant) {
  if (!room.isManager(actor.id)) throw new RoomError('forbidden', 'Only the host and co-hosts can do that');
}

function requireStage(actor: Participant) {
  if (!stageRoles.includes(actor.role)) throw new RoomError('forbidden', 'Only people on stage have a microphone');
}

function personIn(room: RoomState, id: string): Participant {
  const p = room.participants.get(id);
  if (!p) throw new RoomError('notFound', 'That person is not in the room');
  return p;
}
