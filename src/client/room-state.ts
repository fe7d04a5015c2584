// The room as this browser knows it, and how each server message changes it: a pure reducer
// (no DOM, no socket, no audio), so every message type is unit-tested and views can tell what
// changed by reference (an untouched part keeps its identity).
import { closeCodes, type Hand, type ServerMessage, type You } from '../rooms/live/protocol';
import type { PublicParticipant, SpeakPolicy } from '../rooms/live/room.model';

/** Why this page is no longer in the room (the socket will not reconnect). */
export type FinalReason = 'ended' | 'removed' | 'signedOut' | 'suspended' | 'tooManyConnections';

export interface RoomState {
  roomId: string;
  title: string;
  me: You | null;
  stage: readonly PublicParticipant[];
  hands: readonly Hand[];
  listenerCount: number;
  actingHostId: string | null;
  speakPolicy: SpeakPolicy;
  /** The stage is being recorded (REC shows; people on stage must consent before their microphone goes out). */
  recording: boolean;
  /** Who is audible right now (cleared by silence). */
  speaking: readonly string[];
  dominantSpeaker: string | null;
  final: FinalReason | null;
}

export function initialRoomState(roomId: string, title: string, listenerCount: number): RoomState {
  return { roomId, title, me: null, stage: [], hands: [], listenerCount, actingHostId: null, speakPolicy: 'anyone', recording: false, speaking: [], dominantSpeaker: null, final: null };
}

const finalReasonByCloseCode: Record<number, FinalReason> = {
  [closeCodes.ended]: 'ended',
  [closeCodes.removed]: 'removed',
  [closeCodes.signedOut]: 'signedOut',
  [closeCodes.suspended]: 'suspended',
  [closeCodes.tooManyConnections]: 'tooManyConnections',
};

/** The socket closed for good with `code`: the room is over for this page (first reason wins). */
export function socketClosed(s: RoomState, code: number | undefined): RoomState {
  const reason = code === undefined ? undefined : finalReasonByCloseCode[code];
  return reason ? finish(s, reason) : s;
}

/** Nothing live is left to show once the room is over for this page: no stage, no hands, no speakers. */
function finish(s: RoomState, reason: FinalReason): RoomState {
  if (s.final) return s;
  return { ...s, final: reason, stage: [], hands: [], speaking: [], dominantSpeaker: null, listenerCount: 0, recording: false };
}

const updateMe = (s: RoomState, id: string, change: Partial<You>): RoomState => (s.me && s.me.id === id ? { ...s, me: { ...s.me, ...change } } : s);

const updateMember = (s: RoomState, id: string, change: Partial<PublicParticipant>): RoomState =>
  s.stage.some((p) => p.id === id) ? { ...s, stage: s.stage.map((p) => (p.id === id ? { ...p, ...change } : p)) } : s;

const withoutHand = (hands: readonly Hand[], id: string) => (hands.some((h) => h.id === id) ? hands.filter((h) => h.id !== id) : hands);
const withoutMember = (stage: readonly PublicParticipant[], id: string) => (stage.some((p) => p.id === id) ? stage.filter((p) => p.id !== id) : stage);

export function reduceRoom(s: RoomState, m: ServerMessage): RoomState {
  if (s.final) return s; // a late message after the end changes nothing
  switch (m.type) {
    case 'snapshot':
      return {
        ...s,
        title: m.room.title,
        speakPolicy: m.room.speakPolicy,
        recording: m.room.recording,
        me: m.you ?? null,
        stage: m.stage,
        listenerCount: m.listenerCount,
        actingHostId: m.actingHostId,
        hands: m.hands ?? [],
      };
    case 'participantJoined':
      if (m.participant.role === 'listener') return s;
      return { ...s, stage: [...s.stage.filter((p) => p.id !== m.participant.id), m.participant] };
    case 'participantLeft':
    case 'participantRemoved':
      return { ...s, stage: withoutMember(s.stage, m.id), hands: withoutHand(s.hands, m.id) };
    case 'roleChanged': {
      const stage = s.stage.filter((p) => p.id !== m.id);
      if (m.role !== 'listener' && m.participant) stage.push(m.participant);
      return updateMe({ ...s, stage }, m.id, { role: m.role, muted: m.muted, pendingInvite: null, handRaised: false });
    }
    case 'muteChanged':
      return updateMe(updateMember(s, m.id, { muted: m.muted }), m.id, { muted: m.muted });
    case 'connectionChanged':
      return updateMember(s, m.id, { connected: m.connected });
    case 'handRaised':
      return updateMe({ ...s, hands: [...withoutHand(s.hands, m.id), { id: m.id, name: m.name, handle: m.handle, raisedAt: m.raisedAt }] }, m.id, { handRaised: true });
    case 'handLowered':
      return updateMe({ ...s, hands: withoutHand(s.hands, m.id) }, m.id, { handRaised: false });
    case 'handQueue':
      return { ...s, hands: m.hands };
    case 'invited':
      return updateMe(s, m.id, { pendingInvite: m.as });
    case 'inviteDeclined':
      return s.me?.id === m.id && s.me.pendingInvite ? updateMe(s, m.id, { pendingInvite: null }) : s;
    case 'actingHostChanged':
      return m.id === s.actingHostId ? s : { ...s, actingHostId: m.id };
    case 'listenerCount':
      return m.count === s.listenerCount ? s : { ...s, listenerCount: m.count };
    case 'speaking':
      return { ...s, speaking: m.ids };
    case 'dominantSpeaker':
      return m.id === s.dominantSpeaker ? s : { ...s, dominantSpeaker: m.id };
    case 'recordingChanged':
      return m.recording === s.recording ? s : { ...s, recording: m.recording };
    case 'recordingConsented':
      return s.me?.id === m.id && !s.me.recordingConsent ? updateMe(s, m.id, { recordingConsent: true }) : s;
    case 'removed':
      return finish(s, 'removed');
    case 'roomEnded':
      return finish(s, 'ended');
    // Audio signalling, reactions, answers and errors are effects, not room state.
    case 'newConsumer':
    case 'consumerClosed':
    case 'mediaReset':
    case 'mediaReply':
    case 'reactions':
    case 'error':
    case 'pong':
    case 'reported':
      return s;
  }
}
