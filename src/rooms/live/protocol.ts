// What the room socket and the browser agree on, in a module safe to bundle into the client:
// close codes by name (no number copied by hand on either side), error codes, and every message
// the server sends, as one union the client can switch over.
import type { InviteKind, PublicParticipant, ReactionEmoji, Role, RoomErrorCode, RoomEvent, SpeakPolicy } from './room.model';

/** WebSocket close codes. The client does not reconnect after a final one. */
export const closeCodes = {
  ended: 4000,
  refused: 4400,
  signedOut: 4401,
  suspended: 4402,
  removed: 4403,
  replaced: 4409,
  tooManyConnections: 4429,
} as const;
export type CloseCode = (typeof closeCodes)[keyof typeof closeCodes];

export const finalCloseCodes: ReadonlySet<number> = new Set(Object.values(closeCodes));

/** Every RoomError code, listed here too so the page can send their translations to the client. */
export const roomErrorCodes = ['forbidden', 'notFound', 'invalidState', 'limitReached', 'roomFull', 'removed', 'ended', 'signInRequired'] as const;
/** Refusals from the socket layer itself, not from the room. */
export const socketErrorCodes = ['invalidMessage', 'rateLimited', 'notJoined', 'mediaError', 'tooManyConnections'] as const;
export const errorCodes = [...roomErrorCodes, ...socketErrorCodes] as const;
export type ErrorCode = (typeof errorCodes)[number];

// The list above and RoomErrorCode must stay the same set: either direction failing breaks the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const roomErrorCodesMatch: Same<(typeof roomErrorCodes)[number], RoomErrorCode> = true;
void roomErrorCodesMatch;

/** What a participant knows about themselves. */
export interface You {
  id: string;
  role: Role;
  muted: boolean;
  handRaised: boolean;
  pendingInvite: InviteKind | null;
  anonymous: boolean;
  /** An instance admin: may remove anyone and end the room. */
  moderator: boolean;
  /** They accepted that the room is recorded (their microphone may go out while it is). */
  recordingConsent: boolean;
}

export interface Hand {
  id: string;
  name: string;
  handle: string | null;
  raisedAt: number;
}

export interface RoomSnapshot {
  type: 'snapshot';
  room: { id: string; title: string; topics: string[]; speakPolicy: SpeakPolicy; hostUserId: number; recording: boolean };
  you: You | undefined;
  stage: PublicParticipant[];
  listenerCount: number;
  actingHostId: string | null;
  /** Only for hosts and co-hosts. */
  hands?: Hand[];
}

/** Room events as the audience sees them (reactions go out coalesced, as `reactions`). */
export type RoomEventMessage =
  | Exclude<RoomEvent, { type: 'reacted' | 'roleChanged' }>
  /** `participant` lets clients seat someone who comes on stage (absent if they already left). */
  | (Extract<RoomEvent, { type: 'roleChanged' }> & { participant?: PublicParticipant });

/** A stream for this listener (mediasoup consumer parameters; the client passes them on as is). */
export interface NewConsumer {
  type: 'newConsumer';
  consumerId: string;
  producerId: string;
  participantId: string;
  kind: 'audio' | 'video';
  rtpParameters: unknown;
}

export type ServerMessage =
  | RoomSnapshot
  | RoomEventMessage
  | { type: 'handQueue'; hands: Hand[] }
  | { type: 'listenerCount'; count: number }
  | { type: 'reactions'; counts: Partial<Record<ReactionEmoji, number>> }
  | { type: 'speaking'; ids: string[] }
  | { type: 'dominantSpeaker'; id: string }
  | NewConsumer
  | { type: 'consumerClosed'; consumerId: string }
  /** The room's media moved (worker replaced): rebuild transports. */
  | { type: 'mediaReset' }
  /** The answer to an audio signalling request with the same ref. */
  | { type: 'mediaReply'; ref?: string; data: unknown }
  /** Sent to a removed person just before their socket closes. */
  | { type: 'removed' }
  | { type: 'error'; code: ErrorCode; message: string; ref?: string }
  | { type: 'pong'; ref?: string }
  | { type: 'reported'; ref?: string };

export type ServerMessageType = ServerMessage['type'];
export type ServerMessageOf<K extends ServerMessageType> = Extract<ServerMessage, { type: K }>;
