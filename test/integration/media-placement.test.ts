// Where a big room's listeners go: counted at placement (a join storm spreads at once), on the
// least busy worker, a new router on another worker when full, and released when they leave.
// RTP outputs (plain UDP copies of the room's audio) are placed the same way and carry audio
// from a real speaker, across pipeToRouter.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { udp } from 'bun';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp } from '../support/web-client';
import { speakWithWerift, type WeriftSpeaker } from '../support/werift-speaker';

let salon: TestSalon;
let roomId: string;
let speaker: WeriftSpeaker;

beforeAll(async () => {
  salon = await startTestSalon({ workers: '2', routerListenerLimit: '3' });
  const host = await signUp(salon.url, 'placement_host');
  roomId = (await (await host.client.post('/studio/rooms', { title: 'Placement' })).json()).id;
  speaker = await speakWithWerift(host.client, roomId);
});
afterAll(async () => {
  speaker.close();
  await salon.dispose();
});

const workerListeners = () => salon.pool.liveWorkers().map((w) => w.appData.listeners as number);

test('concurrent listeners fill a router, then spread over both workers; leaving releases them', async () => {
  const media = salon.deps.media.get(roomId);
  const received = new Map<number, number>();
  const sockets: udp.Socket<'buffer'>[] = [];
  for (let i = 0; i < 8; i++) {
    sockets.push(await Bun.udpSocket({ hostname: '127.0.0.1', socket: { data: (s) => void received.set(s.port, (received.get(s.port) ?? 0) + 1) } }));
  }
  const outputs = await Promise.all(sockets.map((s) => media.openRtpOutput({ ip: '127.0.0.1', port: s.port, srtp: false })));
  const load = media.routerLoad();
  expect(load.map((r) => r.listeners)).toEqual([4, 4]); // 3 + 3, then the least busy of the full ones
  expect(new Set(load.map((r) => r.workerPid)).size).toBe(2);
  expect(workerListeners().sort()).toEqual([4, 4]);

  const frame = Buffer.alloc(80, 1);
  const sending = setInterval(() => speaker.send(frame, 0), 20);
  try {
    await waitFor(() => sockets.every((s) => (received.get(s.port) ?? 0) > 10), 10_000, 'audio at every output, on both workers');
  } finally {
    clearInterval(sending);
  }

  for (const output of outputs) media.closePeer(output.id);
  expect(media.routerLoad().map((r) => r.listeners)).toEqual([0, 0]);
  expect(workerListeners()).toEqual([0, 0]);
  for (const s of sockets) s.close();
});

test('an SRTP output hands back the key it encrypts with', async () => {
  const output = await salon.deps.media.get(roomId).openRtpOutput({ ip: '127.0.0.1', port: 9 });
  expect(output.srtpParameters).toMatchObject({ cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' });
  expect(output.srtpParameters!.keyBase64.length).toBeGreaterThan(20);
  salon.deps.media.get(roomId).closePeer(output.id);
});

test('when the room ends, its workers carry none of its listeners any more', async () => {
  const media = salon.deps.media.get(roomId);
  await Promise.all([1, 2, 3].map(() => media.openRtpOutput({ ip: '127.0.0.1', port: 9, srtp: false })));
  expect(workerListeners().reduce((a, b) => a + b, 0)).toBe(3);
  media.close();
  expect(workerListeners()).toEqual([0, 0]);
});
