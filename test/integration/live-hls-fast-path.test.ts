// The live HLS hot path (src/hls/hls-fast-path.ts) answers from Bun's router with an access
// decision kept for a second: many requests cost one lookup, yet a removal refuses the very next
// request, a block made meanwhile refuses within a second, and refusals still come with the app's
// error responses and headers.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { accessTtlMs } from '../../src/hls/hls-fast-path';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let host: Account;
let hostWs: RoomClient;
let roomId: string;
let lookups = 0;

beforeAll(async () => {
  salon = await startTestSalon();
  const admin = await signUp(salon.url, 'fp_admin');
  host = await signUp(salon.url, 'fp_host');
  const hostId = (await salon.db.selectFrom('users').select('id').where('handle', '=', 'fp_host').executeTakeFirstOrThrow()).id;
  await admin.client.post(`/admin/users/${hostId}/grant-host`);
  roomId = (await (await host.client.post('/studio/rooms', { title: 'Fast path' })).json()).id;
  hostWs = await RoomClient.join(host.client, salon.url, roomId);
  // Count the block lookups (the real ones still answer).
  const hiddenFrom = salon.deps.rooms.hiddenFrom.bind(salon.deps.rooms);
  salon.deps.rooms.hiddenFrom = (...args) => (lookups++, hiddenFrom(...args));
}, 30_000);
afterAll(async () => {
  await salon.deps.hls.close();
  await salon.dispose();
});

test('thirty playlist and segment requests from one browser cost one block lookup a second; the answers carry the usual headers', async () => {
  const browser = new WebClient(salon.url);
  await browser.get(`/r/${roomId}`); // the room page gives the browser its anonymous id
  let segment: string | undefined;
  await waitFor(async () => {
    const first = await browser.get(`/r/${roomId}/live.m3u8`);
    segment = (await first.text()).split('\n').find((line) => line.endsWith('.aac')); // the mix's first segment may take a few seconds
    return first.status === 200 && !!segment;
  }, 20_000, 'a first segment');
  lookups = 0;
  const started = Date.now();
  for (let i = 0; i < 15; i++) {
    const playlist = await browser.get(`/r/${roomId}/live.m3u8`);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('cache-control')).toBe('public, max-age=1');
    expect(playlist.headers.get('x-content-type-options')).toBe('nosniff');
    await playlist.arrayBuffer();
    const audio = await browser.get(`/r/${roomId}/${segment}`);
    expect([audio.status, audio.headers.get('content-type'), audio.headers.get('cache-control')]).toEqual([200, 'audio/aac', 'public, max-age=86400, immutable']);
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(0); // a silent room: small frames
  }
  // One lookup per second at most (the decision is kept accessTtlMs), however slow the machine.
  expect(lookups).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / accessTtlMs) + 1);
  expect(lookups).toBeLessThan(30);
  expect(salon.deps.hls.hlsListeners(roomId)).toBeGreaterThanOrEqual(1);
});

test('a listener removed from the room is refused on their very next request', async () => {
  const fan = await signUp(salon.url, 'fp_removed');
  await fan.client.get(`/r/${roomId}`);
  const ws = await RoomClient.join(fan.client, salon.url, roomId);
  expect((await fan.client.get(`/r/${roomId}/live.m3u8`)).status).toBe(200);
  const fanId = `u:${(await salon.db.selectFrom('users').select('id').where('handle', '=', 'fp_removed').executeTakeFirstOrThrow()).id}`;
  hostWs.send({ type: 'remove', target: fanId });
  await waitFor(() => salon.deps.live.get(roomId)!.removed.has(fanId), 5000, 'the removal');
  const refused = await fan.client.get(`/r/${roomId}/live.m3u8`, 'json');
  expect(refused.status).toBe(403);
  expect((await refused.json()).error).toBe('You were removed from this room');
  ws.close();
});

test('a listener the host blocks while they listen is refused within a second (404: blocks are private)', async () => {
  const fan = await signUp(salon.url, 'fp_blocked');
  expect((await fan.client.get(`/r/${roomId}/live.m3u8`)).status).toBe(200);
  expect((await host.client.post('/@fp_blocked/block', {})).status).toBeLessThan(400);
  const blockedAt = Date.now();
  await waitFor(async () => (await fan.client.get(`/r/${roomId}/live.m3u8`, 'json')).status === 404, 5000, 'the block to reach HLS');
  expect(Date.now() - blockedAt).toBeLessThan(accessTtlMs + 1500); // the kept decision's second, and slack for a busy machine
});

test('unknown rooms, segments out of the window and malformed names get the app\'s 404s', async () => {
  const anonymous = new WebClient(salon.url);
  for (const path of ['/r/nosuchroom/live.m3u8', `/r/${roomId}/live/999999.aac`, `/r/${roomId}/live/not-a-segment`, '/r/NOT_AN_ID!/live.m3u8']) {
    const res = await anonymous.get(path, 'json');
    expect([path, res.status]).toEqual([path, 404]);
    expect(typeof (await res.json()).error).toBe('string');
  }
});
