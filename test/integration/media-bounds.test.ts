// One participant cannot make the media workers do unbounded work: one transport per direction,
// one consumer per (participant, producer), one producer per speaker, one message at a time, and
// nothing left behind by a socket that closes mid-request. Real worker, real sockets.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { types } from 'mediasoup';
import { roomFrameLimitBytes } from '../../src/realtime/room-connections';
import type { MediaRoom } from '../../src/media/media-room';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';
import { mediaRequests } from '../support/werift-peer';
import { speakWithWerift } from '../support/werift-speaker';

let salon: TestSalon;
let host: Account;
let roomId: string;
let hostWs: RoomClient;

beforeAll(async () => {
  salon = await startTestSalon();
  host = await signUp(salon.url, 'bounds_host'); // the first account may host
  roomId = (await (await host.client.post('/studio/rooms', { title: 'Bounds' })).json()).id;
  hostWs = await RoomClient.join(host.client, salon.url, roomId);
});
afterAll(() => salon.dispose());

const media = () => salon.deps.media.get(roomId);
const routers = () => (media() as unknown as { routers: { all(): types.Router[] } }).routers.all();
const transportsAlive = async () => (await Promise.all(routers().map((r) => r.dump()))).reduce((n, d) => n + d.transportIds.length, 0);
const placedListeners = () => media().webrtcListeners();

async function anonymousListener() {
  const browser = new WebClient(salon.url);
  await browser.get(`/r/${roomId}`);
  const ws = await RoomClient.join(browser, salon.url, roomId);
  return { ws, id: ws.snapshot.you.id as string, request: mediaRequests(ws) };
}

test('asking again for a receive transport replaces the old one: 12 asks, 1 transport, 1 router place', async () => {
  const before = await transportsAlive();
  const { ws, request } = await anonymousListener();
  const answers = await Promise.all(Array.from({ length: 12 }, () => request({ type: 'createTransport', direction: 'recv' })));
  expect(new Set(answers.map((a) => a.id)).size).toBe(12);
  expect(await transportsAlive()).toBe(before + 1);
  expect(placedListeners()).toBe(1);
  // Only the last one is theirs now: the others are gone.
  const stale = await ws.request({ type: 'connectTransport', transportId: answers[0].id, dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] }, ref: 'x' }, (m) => m.ref === 'x');
  expect(stale).toMatchObject({ type: 'error', code: 'notFound' });
  ws.close();
  await waitFor(async () => (await transportsAlive()) === before && placedListeners() === 0, 5000, 'the place to be freed');
});

test('a socket that closes while createTransport is awaited leaves no transport and no router place', async () => {
  const before = await transportsAlive();
  for (let i = 0; i < 5; i++) {
    const { ws } = await anonymousListener();
    ws.send({ type: 'createTransport', direction: 'recv', ref: 'late' });
    ws.terminate(); // the request is in flight on the server
  }
  await Bun.sleep(300);
  await waitFor(async () => (await transportsAlive()) === before && placedListeners() === 0, 5000, 'no orphan transports');
});

test('a socket that closes while produce is awaited leaves no producer alive', async () => {
  const producers: types.Producer[] = [];
  for (const router of routers()) router.observer.on('newtransport', (t) => t.observer.on('newproducer', (p) => producers.push(p)));
  const request = mediaRequests(hostWs);
  const send = await request({ type: 'createTransport', direction: 'send' });
  const rtpParameters = { mid: '0', codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }], headerExtensions: [], encodings: [{ ssrc: 1111 }], rtcp: { cname: 'x' } };
  hostWs.send({ type: 'produce', transportId: send.id, rtpParameters, ref: 'late' });
  hostWs.terminate(); // whether the produce started or was still queued, nothing of it may stay
  await waitFor(() => hostWs.closed !== null, 3000);
  await Bun.sleep(300);
  expect(producers.every((p) => p.closed)).toBe(true);
  hostWs = await RoomClient.join(host.client, salon.url, roomId);
});

test('one consumer per (participant, producer), however often they say they are ready', async () => {
  const speaker = await speakWithWerift(host.client, roomId, hostWs);
  try {
    const { ws, request } = await anonymousListener();
    await request({ type: 'createTransport', direction: 'recv' });
    const caps = { codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100, parameters: {}, rtcpFeedback: [] }] };
    await Promise.all([1, 2, 3].map(() => request({ type: 'consumeReady', rtpCapabilities: caps })));
    await Bun.sleep(200);
    expect(ws.messages.filter((m) => m.type === 'newConsumer' && m.producerId === speaker.producerId)).toHaveLength(1);
    ws.close();
  } finally {
    speaker.close();
  }
  hostWs = await RoomClient.join(host.client, salon.url, roomId);
});

test('unknown fields in RTP parameters are dropped, never kept', async () => {
  const { ws, id, request } = await anonymousListener();
  const caps = { codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, rtcpFeedback: [], junk: 'x'.repeat(5000) }], extra: { deep: true } };
  await request({ type: 'createTransport', direction: 'recv' });
  await request({ type: 'consumeReady', rtpCapabilities: caps });
  const kept = (media() as unknown as { peers: Map<string, { rtpCapabilities: Record<string, unknown> }> }).peers.get(id)!.rtpCapabilities;
  expect(kept).toEqual({ codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, rtcpFeedback: [] }] });
  const wrong = await ws.request({ type: 'consumeReady', rtpCapabilities: { codecs: [{ kind: 'audio', mimeType: 7 }] }, ref: 'w' }, (m) => m.ref === 'w');
  expect(wrong).toMatchObject({ type: 'error', code: 'invalidMessage' });
  expect(wrong.message).toContain('rtpCapabilities/codecs/0');
  ws.close();
});

test('frames over the limit are refused before parsing: the socket closes', async () => {
  const { ws } = await anonymousListener();
  ws.send('x'.repeat(roomFrameLimitBytes + 1));
  expect((await ws.waitClosed()).code).toBe(1009);
  expect(salon.deps.live.get(roomId)!.state.status).toBe('live');
});

test('two produces back to back leave one microphone, and a moderator mute silences the room', async () => {
  const speakerAccount = await signUp(salon.url, 'bounds_speaker');
  await speakerAccount.client.get(`/r/${roomId}`);
  const speakerWs = await RoomClient.join(speakerAccount.client, salon.url, roomId);
  const speakerId = speakerWs.snapshot.you.id;
  await hostWs.request({ type: 'inviteToSpeak', target: speakerId }, (m) => m.type === 'invited');
  await speakerWs.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === speakerId);

  // Unmuted first, so both racing producers would start unpaused.
  await speakerWs.request({ type: 'unmute' }, (m) => m.type === 'muteChanged' && m.id === speakerId && !m.muted);
  const producers: types.Producer[] = [];
  for (const router of routers()) router.observer.on('newtransport', (t) => t.observer.on('newproducer', (p) => producers.push(p)));
  // The listener, in the room before the speaker produces: a plain RTP copy of the room's audio, counting packets.
  let packets = 0;
  const sink = await Bun.udpSocket({ hostname: '127.0.0.1', socket: { data: () => void packets++ } });
  const output = await (media() as MediaRoom).openRtpOutput({ ip: '127.0.0.1', port: sink.port, srtp: false });
  const speaker = await speakWithWerift(speakerAccount.client, roomId, speakerWs, { racingProduce: true });
  await waitFor(() => producers.length === 2, 5000, 'both produce requests handled');
  const frame = Buffer.alloc(80, 1);
  let ts = 0;
  const sending = setInterval(() => speaker.send(frame, (ts += 960)), 20);
  try {
    await Bun.sleep(500);
    await hostWs.request({ type: 'muteSpeaker', target: speakerId }, (m) => m.type === 'muteChanged' && m.id === speakerId && m.muted);
    await Bun.sleep(400);
    const afterMute = packets;
    await Bun.sleep(600);
    expect(packets - afterMute).toBe(0); // the listener hears silence
    expect(producers.filter((p) => !p.closed)).toHaveLength(1);
    expect(producers.every((p) => p.closed || p.paused)).toBe(true);
  } finally {
    clearInterval(sending);
    media().closePeer(output.id);
    sink.close();
    speaker.close();
  }
});
