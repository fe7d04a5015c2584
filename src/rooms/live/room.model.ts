// The live room's vocabulary: roles, participants, commands (what people ask) and events (what
// happened, past tense). Shared by the state machine, the socket layer and the browser client.

export type Role = 'host' | 'cohost' | 'speaker' | 'listener';
export const stageRoles: readonly Role[] = ['host', 'cohost', 'speaker'];
export type InviteKind = 'speaker' | 'cohost';
export type SpeakPolicy = 'anyone' | 'invited';

/** Who someone is, as the room shows them. `id` is "u:<userId>" or "a:<anonymous id>". */
export interface Person {
  id: string;
  userId: number | null;
  handle: string | null;
  name: string;
  avatar: string | null;
  /** An instance admin: may remove anyone and end any room, like a host, wherever they listen. */
  moderator?: boolean;
}

export interface Participant extends Person {
  role: Role;
  muted: boolean;
  /** A moderator muted them: the server keeps their audio paused until they unmute themselves. */
  mutedByModerator: boolean;
  connected: boolean;
  joinedAt: number;
  disconnectedAt: number | null;
  handRaisedAt: number | null;
  pendingInvite: InviteKind | null;
  /** They accepted that this room is recorded: only then is their microphone recorded (or, while recording, sent at all). */
  recordingConsent: boolean;
}

/** What everyone may see about a participant. */
export interface PublicParticipant {
  id: string;
  handle: string | null;
  name: string;
  avatar: string | null;
  role: Role;
  muted: boolean;
  connected: boolean;
  anonymous: boolean;
}

export interface RoomLimits {
  maxCohosts: number;
  maxSpeakers: number;
  /** 0 = unlimited */
  maxListeners: number;
  graceMs: number;
  reconnectMs: number;
}

export const reactionEmojis = ['👏', '❤️', '😂', '🔥', '💯', '🙌', '👍', '😮', '🎉', '🙏'] as const;
export type ReactionEmoji = (typeof reactionEmojis)[number];

/** Requests a participant may send; the server checks each against their role. */
export type RoomCommand =
  | { type: 'raiseHand' }
  | { type: 'lowerHand' }
  | { type: 'approveHand'; target: string }
  | { type: 'denyHand'; target: string }
  | { type: 'nextHand' }
  | { type: 'inviteToSpeak'; target: string }
  | { type: 'inviteCohost'; target: string }
  | { type: 'acceptInvite' }
  | { type: 'declineInvite' }
  | { type: 'mute' }
  | { type: 'unmute' }
  | { type: 'muteSpeaker'; target: string }
  | { type: 'muteAll' }
  | { type: 'moveToListeners'; target: string }
  | { type: 'leaveStage' }
  | { type: 'remove'; target: string }
  | { type: 'end' }
  | { type: 'react'; emoji: ReactionEmoji }
  | { type: 'startRecording' }
  | { type: 'stopRecording' }
  | { type: 'consentToRecording' };

export type EndReason = 'host' | 'noHost' | 'shutdown' | 'moderator' | 'hostSuspended';

export type RoomEvent =
  | { type: 'participantJoined'; participant: PublicParticipant }
  | { type: 'participantLeft'; id: string; role: Role }
  | { type: 'roleChanged'; id: string; role: Role; previous: Role; muted: boolean }
  | { type: 'muteChanged'; id: string; muted: boolean; byModerator: boolean }
  | { type: 'handRaised'; id: string; name: string; handle: string | null; raisedAt: number }
  | { type: 'handLowered'; id: string; reason: 'self' | 'denied' | 'invited' | 'left' | 'movedUp' }
  | { type: 'invited'; id: string; as: InviteKind }
  | { type: 'inviteDeclined'; id: string; as: InviteKind }
  | { type: 'actingHostChanged'; id: string | null }
  | { type: 'connectionChanged'; id: string; connected: boolean }
  | { type: 'participantRemoved'; id: string }
  | { type: 'roomEnded'; reason: EndReason }
  | { type: 'reacted'; id: string; emoji: ReactionEmoji }
  /** Recording started or stopped (`by`: who did it; null when the server stopped it, e.g. a quota). */
  | { type: 'recordingChanged'; recording: boolean; by: string | null; reason?: 'quota' | 'failed' }
  | { type: 'recordingConsented'; id: string };

export type RoomErrorCode =
  | 'forbidden'
  | 'notFound'
  | 'invalidState'
  | 'limitReached'
  | 'roomFull'
  | 'removed'
  | 'ended'
  | 'signInRequired';

/** A refused command: nothing changed. The message names why. */
export class RoomError extends Error {
  constructor(
    readonly code: RoomErrorCode,
    message: string,
  ) {
    super(message);
  }
}
