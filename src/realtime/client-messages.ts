// Every message a room client may send, as a typed, validated union. An invalid message is
// answered with an error naming the problem; it never reaches the room.
import { Type as t, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { reactionEmojis, type RoomCommand } from '../rooms/live/room.model';

const target = t.String({ minLength: 3, maxLength: 40, pattern: '^[ua]:[A-Za-z0-9_-]+$' });
const ref = t.Optional(t.String({ maxLength: 40 }));
const id = t.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });
const dtlsParameters = t.Object({
  role: t.Optional(t.Union([t.Literal('auto'), t.Literal('client'), t.Literal('server')])),
  fingerprints: t.Array(t.Object({ algorithm: t.String({ maxLength: 20 }), value: t.String({ maxLength: 200 }) }), { minItems: 1, maxItems: 10 }),
});
// mediasoup's RTP shapes, closed: a client's extra fields are dropped (Value.Clean), never kept in memory.
const int = (max: number) => t.Integer({ minimum: 0, maximum: max });
const word = (max = 100) => t.String({ maxLength: max });
const codecParameters = t.Optional(t.Record(t.String({ maxLength: 50 }), t.Union([t.String({ maxLength: 200 }), t.Number()]), { maxProperties: 30 }));
const rtcpFeedback = t.Optional(t.Array(t.Object({ type: word(30), parameter: t.Optional(word(30)) }), { maxItems: 20 }));
const mediaKind = t.Union([t.Literal('audio'), t.Literal('video')]);
const rtpCapabilities = t.Object({
  codecs: t.Optional(
    t.Array(
      t.Object({ kind: mediaKind, mimeType: word(50), preferredPayloadType: t.Optional(int(127)), clockRate: int(1_000_000), channels: t.Optional(int(8)), parameters: codecParameters, rtcpFeedback }),
      { maxItems: 100 },
    ),
  ),
  headerExtensions: t.Optional(
    t.Array(
      t.Object({ kind: mediaKind, uri: word(200), preferredId: int(255), preferredEncrypt: t.Optional(t.Boolean()), direction: t.Optional(t.Union(['sendrecv', 'sendonly', 'recvonly', 'inactive'].map((d) => t.Literal(d)))) }),
      { maxItems: 50 },
    ),
  ),
});
const rtpParameters = t.Object({
  mid: t.Optional(word(32)),
  codecs: t.Array(
    t.Object({ mimeType: word(50), payloadType: int(127), clockRate: int(1_000_000), channels: t.Optional(int(8)), parameters: codecParameters, rtcpFeedback }),
    { minItems: 1, maxItems: 10 },
  ),
  headerExtensions: t.Optional(t.Array(t.Object({ uri: word(200), id: int(255), encrypt: t.Optional(t.Boolean()), parameters: codecParameters }), { maxItems: 20 })),
  encodings: t.Optional(
    t.Array(
      t.Object({ ssrc: t.Optional(int(0xffffffff)), rid: t.Optional(word(32)), codecPayloadType: t.Optional(int(127)), rtx: t.Optional(t.Object({ ssrc: int(0xffffffff) })), dtx: t.Optional(t.Boolean()), maxBitrate: t.Optional(int(10_000_000)) }),
      { maxItems: 4 },
    ),
  ),
  rtcp: t.Optional(t.Object({ cname: t.Optional(word(100)), reducedSize: t.Optional(t.Boolean()), mux: t.Optional(t.Boolean()) })),
});

const message = <T extends string, P extends Record<string, TSchema> = {}>(type: T, props: P = {} as P) =>
  t.Object({ type: t.Literal(type), ref, ...props }, { additionalProperties: false });

const schemas = {
  raiseHand: message('raiseHand'),
  lowerHand: message('lowerHand'),
  approveHand: message('approveHand', { target }),
  denyHand: message('denyHand', { target }),
  nextHand: message('nextHand'),
  inviteToSpeak: message('inviteToSpeak', { target }),
  inviteCohost: message('inviteCohost', { target }),
  acceptInvite: message('acceptInvite'),
  declineInvite: message('declineInvite'),
  mute: message('mute'),
  unmute: message('unmute'),
  muteSpeaker: message('muteSpeaker', { target }),
  muteAll: message('muteAll'),
  moveToListeners: message('moveToListeners', { target }),
  leaveStage: message('leaveStage'),
  remove: message('remove', { target }),
  end: message('end'),
  react: message('react', { emoji: t.Union(reactionEmojis.map((e) => t.Literal(e))) }),
  startRecording: message('startRecording'),
  stopRecording: message('stopRecording'),
  consentToRecording: message('consentToRecording'),
  // Audio signalling (mediasoup): closed shapes here; mediasoup itself validates the values in depth.
  mediaCapabilities: message('mediaCapabilities'),
  createTransport: message('createTransport', { direction: t.Union([t.Literal('send'), t.Literal('recv')]) }),
  connectTransport: message('connectTransport', { transportId: id, dtlsParameters }),
  produce: message('produce', { transportId: id, rtpParameters }),
  consumeReady: message('consumeReady', { rtpCapabilities }),
  resumeConsumer: message('resumeConsumer', { consumerId: id }),
  restartIce: message('restartIce', { transportId: id }),
  // Not room commands: handled by the socket layer.
  leave: message('leave'),
  /** The page listens over live HLS instead (WebRTC failed or full): its transports close, it counts as an HLS listener. */
  listenOverHls: message('listenOverHls'),
  ping: message('ping'),
  report: message('report', { target: t.Optional(target), reason: t.String({ minLength: 1, maxLength: 500 }) }),
};

export type ClientMessageType = keyof typeof schemas;
export type ClientMessage = { [K in ClientMessageType]: Static<(typeof schemas)[K]> }[ClientMessageType];
export type { RoomCommand };

const checkers = Object.fromEntries(Object.entries(schemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TSchema)])) as unknown as Record<
  ClientMessageType,
  ReturnType<typeof TypeCompiler.Compile<TSchema>>
>;

export type Parsed = { ok: true; message: ClientMessage } | { ok: false; error: string; ref?: string };

export function parseClientMessage(raw: unknown): Parsed {
  let data = raw;
  if (typeof raw === 'string') {
    try {
      data = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'Messages must be JSON objects' };
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, error: 'Messages must be JSON objects' };
  const { type, ref: givenRef } = data as { type?: unknown; ref?: unknown };
  const refText = typeof givenRef === 'string' ? givenRef.slice(0, 40) : undefined;
  if (typeof type !== 'string' || !Object.hasOwn(checkers, type)) {
    return { ok: false, error: `Unknown message type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : type)}`, ref: refText };
  }
  const checker = checkers[type as ClientMessageType];
  if (!checker.Check(data)) {
    const first = [...checker.Errors(data)][0];
    const field = first?.path.replace(/^\//, '') || 'message';
    return { ok: false, error: `Invalid ${field} in ${type}: ${first?.message ?? 'invalid value'}`, ref: refText };
  }
  return { ok: true, message: Value.Clean(schemas[type as ClientMessageType], data) as ClientMessage };
}
