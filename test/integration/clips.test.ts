// Clips with the real worker and real ffmpeg: a clip of a live recorded room holds the last 30
// seconds of the recording clock (a headless speaker switches from 440 to 660 Hz at a known
// point); a clip in replay holds the 30 s before the player's position; unrecorded rooms and
// clips turned off are refused; expired clips go with their file; who may delete.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { purgeExpiredClips } from '../../src/cleanup';
import { findRecordingOfRoom } from '../../src/recording/recordings.repository';
import { decodeToSamples, opusPackets, sendInRealTime, toneLevel } from '../support/opus-tone';
import { startTestSalon, tempDir, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';
import { speakWithWerift } from '../support/werift-speaker';

let salon: TestSalon;
let host: Account;
let fan: Account;
let other: Account;
let packets: Record<'low' | 'high', Buffer[]>;
const within = (samples: Float32Array, fromMs: number, toMs: number) => samples.subarray(Math.round((fromMs * 48000) / 1000), Math.round((toMs * 48000) / 1000));
const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  salon = await startTestSalon();
  const admin = await signUp(salon.url, 'clip_admin');
  host = await signUp(salon.url, 'clip_host');
  fan = await signUp(salon.url, 'clip_fan');
  other = await signUp(salon.url, 'clip_other');
  for (const handle of ['clip_host', 'clip_other']) await admin.client.post(`/admin/users/${await idOf(handle)}/grant-host`);
  const dir = tempDir('salon-opus-');
  const [low, high] = await Promise.all([opusPackets(dir, 440, 20), opusPackets(dir, 660, 20)]);
  packets = { low: low!, high: high! };
}, 30_000);
afterAll(() => salon.dispose());

/** An ended room with a ready replay: 20 s of 440 Hz then 20 s of 660 Hz. */
async function readyReplay(roomId: string, fields: { clip_policy?: 'anyone' | 'hosts' | 'off' } = {}) {
  const hostId = await idOf('clip_host');
  await salon.db.insertInto('rooms').values({ id: roomId, host_id: hostId, title: `Room ${roomId}`, status: 'ended', started_at: new Date().toISOString(), ended_at: new Date().toISOString() }).execute();
  const recordingId = `rec${roomId}`;
  await salon.db.insertInto('recordings').values({ id: recordingId, room_id: roomId, host_id: hostId, title: `Replay ${roomId}`, status: 'ready', duration_ms: 40_000, ...fields }).execute();
  const dir = salon.deps.recorders.dirOf(recordingId);
  mkdirSync(dir, { recursive: true });
  const proc = Bun.spawn(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=20', '-f', 'lavfi', '-i', 'sine=frequency=660:duration=20', '-filter_complex', '[0:a][1:a]concat=n=2:v=0:a=1', '-c:a', 'aac', join(dir, 'replay.m4a')]);
  expect(await proc.exited).toBe(0);
  return recordingId;
}

test('a clip of a live recorded room holds the last 30 seconds of the recording clock', async () => {
  const created = await host.client.post('/studio/rooms', { title: 'Clip me', recordIntent: 'on' });
  const roomId: string = (await created.json()).id;
  const speaker = await speakWithWerift(host.client, roomId);
  expect(speaker.socket.snapshot.room.recording).toBe(true);
  let sound: 'low' | 'high' = 'low';
  let i = 0;
  // In real time, as a browser's microphone: a late timer tick is caught up, not a hole in the audio.
  const stopSending = sendInRealTime(() => ({ send: (payload, ts) => speaker.send(payload, ts), packet: packets[sound][i++ % packets[sound].length]! }));
  const recorder = salon.deps.recorders.get(roomId)!;
  await Bun.sleep(8000);
  sound = 'high';
  const switchedAt = recorder.elapsed();
  await Bun.sleep(26_000);

  const res = await fan.client.post(`/r/${roomId}/clips`, {});
  expect(res.status).toBe(201);
  const clip = await res.json();
  expect(clip.url).toBe(`/c/${clip.id}`);
  expect(clip.durationMs).toBe(30_000);
  expect(clip.startMs).toBeGreaterThan(3000); // the first seconds of the room are not in it
  stopSending();
  speaker.socket.send({ type: 'end' });
  await recorder.settled;

  const file = join(salon.dataDir, 'clips', `${clip.id}.m4a`);
  expect(existsSync(file)).toBe(true);
  const audio = await decodeToSamples(file);
  expect(audio.length / 48000).toBeGreaterThan(29.5);
  expect(audio.length / 48000).toBeLessThan(30.5);
  const switchInClip = switchedAt - clip.startMs; // where 440 Hz gives way to 660 Hz
  expect(switchInClip).toBeGreaterThan(2000);
  expect(toneLevel(within(audio, 500, switchInClip - 700), 440)).toBeGreaterThan(0.05);
  expect(toneLevel(within(audio, 500, switchInClip - 700), 660)).toBeLessThan(0.01);
  expect(toneLevel(within(audio, switchInClip + 700, 27_000), 660)).toBeGreaterThan(0.05);
  expect(toneLevel(within(audio, switchInClip + 700, 27_000), 440)).toBeLessThan(0.01);

  // Its page, with Open Graph tags, and its audio with Range.
  const page = await (await new WebClient(salon.url).get(clip.url)).text();
  expect(page).toContain('<meta property="og:audio"');
  expect(page).toContain(`${salon.url}/c/${clip.id}`);
  const ranged = await fetch(`${salon.url}/c/${clip.id}/audio`, { headers: { range: 'bytes=0-99' } });
  expect(ranged.status).toBe(206);
  expect(ranged.headers.get('content-type')).toBe('audio/mp4');
  expect((await ranged.arrayBuffer()).byteLength).toBe(100);
  expect((await fetch(`${salon.url}/c/${clip.id}/audio`, { headers: { range: 'bytes=999999999-' } })).status).toBe(416);
  const recording = (await findRecordingOfRoom(salon.db, roomId))!;
  expect((await salon.db.selectFrom('clips').select('plays').where('id', '=', clip.id).executeTakeFirstOrThrow()).plays).toBe(1);
  expect(recording.id).toBeTruthy();
}, 90_000);

test('a clip in replay holds the 30 s before the position t', async () => {
  await readyReplay('replayclip');
  const res = await fan.client.post('/r/replayclip/clips', { t: '35000' });
  expect(res.status).toBe(201);
  const clip = await res.json();
  expect([clip.startMs, clip.durationMs]).toEqual([5000, 30_000]);
  const audio = await decodeToSamples(join(salon.dataDir, 'clips', `${clip.id}.m4a`));
  expect(toneLevel(within(audio, 500, 14_000), 440)).toBeGreaterThan(0.05);
  expect(toneLevel(within(audio, 500, 14_000), 660)).toBeLessThan(0.01);
  expect(toneLevel(within(audio, 16_000, 29_000), 660)).toBeGreaterThan(0.05);
  expect(toneLevel(within(audio, 16_000, 29_000), 440)).toBeLessThan(0.01);
  // Past the end, or not a number: a clear 4xx naming the field.
  const past = await fan.client.post('/r/replayclip/clips', { t: '999999' });
  expect(past.status).toBe(422);
  expect((await past.json()).field).toBe('t');
  expect((await fan.client.post('/r/replayclip/clips', { t: 'soon' })).status).toBe(422);
});

test('an unrecorded room, clips turned off, signed out: refused with a clear message', async () => {
  const created = await other.client.post('/studio/rooms', { title: 'Not recorded' });
  const roomId: string = (await created.json()).id;
  const unrecorded = await fan.client.post(`/r/${roomId}/clips`, {});
  expect(unrecorded.status).toBe(422);
  expect((await unrecorded.json()).error).toBe('This room is not recorded');
  expect((await fan.client.post('/r/nosuchroom/clips', {})).status).toBe(404);
  expect((await new WebClient(salon.url).post(`/r/${roomId}/clips`, {})).status).toBe(401);
  await other.client.post(`/r/${roomId}/end`, {});

  await readyReplay('clipsoff', { clip_policy: 'off' });
  const off = await fan.client.post('/r/clipsoff/clips', { t: '10000' });
  expect(off.status).toBe(403);
  expect((await off.json()).error).toBe('The host turned clips off for this room');
  expect((await host.client.post('/r/clipsoff/clips', { t: '10000' })).status).toBe(403);
  await readyReplay('hostsonly', { clip_policy: 'hosts' });
  expect((await fan.client.post('/r/hostsonly/clips', { t: '10000' })).status).toBe(403);
  expect((await host.client.post('/r/hostsonly/clips', { t: '10000' })).status).toBe(201);
});

test('the host and the clip maker may delete a clip; nobody else; the file goes', async () => {
  await readyReplay('deleting');
  const make = async () => (await (await fan.client.post('/r/deleting/clips', { t: '12000' })).json()).id as string;
  const first = await make();
  expect((await other.client.post(`/c/${first}/delete`, {})).status).toBe(403);
  expect((await new WebClient(salon.url).post(`/c/${first}/delete`, {})).status).toBe(401);
  expect((await fan.client.post(`/c/${first}/delete`, {})).status).toBe(200);
  expect(existsSync(join(salon.dataDir, 'clips', `${first}.m4a`))).toBe(false);
  expect((await fetch(`${salon.url}/c/${first}`)).status).toBe(404);
  const second = await make();
  expect((await host.client.post(`/c/${second}/delete`, {})).status).toBe(200);
  expect((await fetch(`${salon.url}/c/${second}`)).status).toBe(404);
});

test('clips expire: the periodic purge removes the row and the file', async () => {
  await readyReplay('expiring');
  const res = await fan.client.post('/r/expiring/clips', { t: '12000' });
  const clip = await res.json();
  expect(Date.parse(clip.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000); // 30 days by default
  const keep = await (await host.client.post('/r/expiring/clips', { t: '15000' })).json();
  await salon.db.updateTable('clips').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', clip.id).execute();
  expect((await fetch(`${salon.url}/c/${clip.id}`)).status).toBe(404); // expired is gone at once for visitors
  expect(await purgeExpiredClips(salon.deps)).toBe(1);
  expect(existsSync(join(salon.dataDir, 'clips', `${clip.id}.m4a`))).toBe(false);
  expect(await salon.db.selectFrom('clips').select('id').where('id', '=', clip.id).executeTakeFirst()).toBeUndefined();
  expect(existsSync(join(salon.dataDir, 'clips', `${keep.id}.m4a`))).toBe(true);
  expect((await fetch(`${salon.url}/c/${keep.id}`)).status).toBe(200);
  // Listed on the maker's profile and in the host's studio.
  expect((await new WebClient(salon.url).json('/@clip_fan/replays')).clips.length).toBeGreaterThan(0);
  expect((await host.client.json('/studio/replays')).clips.map((c: { id: string }) => c.id)).toContain(keep.id);
});
