// Live HLS with the real worker and real ffmpeg: a headless speaker sends real Opus packets of a
// 440 Hz tone; the room's playlist is valid, ffmpeg reading it over HTTP hears the tone, a second
// speaker (660 Hz) joins the mix without the encoder restarting, the end of the room ends the
// playlist, and the cache headers let a CDN keep segments and refresh the playlist.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { decodeToSamples, opusPackets, sendInRealTime, toneLevel } from '../support/opus-tone';
import { RoomClient } from '../support/room-client';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';
import { speakWithWerift, type WeriftSpeaker } from '../support/werift-speaker';

let salon: TestSalon;
let host: Account;
let dir: string;
let packets: Record<'low' | 'high', Buffer[]>;
const stops: (() => void)[] = [];

beforeAll(async () => {
  salon = await startTestSalon();
  host = await signUp(salon.url, 'hls_host');
  dir = tempDir('salon-hls-');
  const [low, high] = await Promise.all([opusPackets(dir, 440, 20), opusPackets(dir, 660, 20)]);
  packets = { low: low!, high: high! };
}, 30_000);
afterAll(async () => {
  stops.forEach((stop) => stop());
  await salon.deps.hls.close();
  await salon.dispose();
});

function stream(speaker: WeriftSpeaker, sound: keyof typeof packets) {
  let i = 0;
  const stop = sendInRealTime(() => ({ send: (payload, ts) => speaker.send(payload, ts), packet: packets[sound][i++ % packets[sound].length]! }));
  stops.push(stop);
  return stop;
}

interface Playlist {
  sequence: number;
  target: number;
  segments: { uri: string; duration: number; programDateTime: string | null }[];
  ended: boolean;
}

function parsePlaylist(text: string): Playlist {
  const lines = text.trim().split('\n');
  expect(lines[0]).toBe('#EXTM3U');
  const playlist: Playlist = { sequence: -1, target: -1, segments: [], ended: false };
  let duration = NaN;
  let pdt: string | null = null;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) playlist.sequence = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) playlist.target = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length);
    else if (line.startsWith('#EXTINF:')) duration = parseFloat(line.slice(8));
    else if (line === '#EXT-X-ENDLIST') playlist.ended = true;
    else if (line && !line.startsWith('#')) {
      playlist.segments.push({ uri: line, duration, programDateTime: pdt });
      pdt = null;
    }
  }
  return playlist;
}

/** ffmpeg reads the live playlist over HTTP for `seconds` of audio and decodes it. */
async function listenWithFfmpeg(url: string, seconds: number): Promise<Float32Array> {
  const file = join(dir, `heard-${Date.now()}.wav`);
  const proc = Bun.spawn(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-i', url, '-t', String(seconds), '-ac', '1', '-ar', '48000', file], { stderr: 'pipe' });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`ffmpeg could not read ${url}: ${await new Response(proc.stderr).text()}`);
  return decodeToSamples(file);
}

test('a live room has a valid, cacheable HLS playlist whose audio is the stage mix; a new speaker joins the same encoder; the end ends the playlist', async () => {
  const created = await host.client.post('/studio/rooms', { title: 'Live over HLS' });
  const roomId: string = (await created.json()).id;
  const hostSpeaker = await speakWithWerift(host.client, roomId);
  stream(hostSpeaker, 'low');
  const anonymous = new WebClient(salon.url); // no cookie at all: a podcast app, VLC, a page without its socket

  // The first request starts the mix and waits for a first segment.
  const first = await anonymous.get(`/r/${roomId}/live.m3u8`);
  expect(first.status).toBe(200);
  expect(first.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
  expect(first.headers.get('cache-control')).toBe('public, max-age=1');
  const etag = first.headers.get('etag')!;
  expect(etag).toMatch(/^".+"$/);
  const before = parsePlaylist(await first.text());
  expect(before.target).toBe(1);
  expect(before.segments.length).toBeGreaterThan(0);
  expect(salon.deps.hls.hlsListeners(roomId)).toBe(1);
  const again = await fetch(`${salon.url}/r/${roomId}/live.m3u8`, { headers: { 'if-none-match': etag } });
  if (again.status !== 304) expect(again.headers.get('etag')).not.toBe(etag); // a segment came in between
  const encoderPid = salon.deps.hls.find(roomId)!.stream.encoderPid;
  expect(encoderPid).toBeGreaterThan(0);

  let later = before;
  await waitFor(async () => (later = parsePlaylist(await (await anonymous.get(`/r/${roomId}/live.m3u8`)).text())).sequence > before.sequence, 15_000, 'the media sequence to move on');
  expect(later.ended).toBe(false);
  expect(later.segments.length).toBeLessThanOrEqual(6);
  for (const segment of later.segments) {
    expect(Math.round(segment.duration)).toBeLessThanOrEqual(later.target);
    expect(segment.programDateTime).not.toBeNull();
    const res = await anonymous.get(`/r/${roomId}/${segment.uri}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/aac');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400, immutable');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 3))).toBe('ID3'); // packed audio: the timestamp tag first
    expect(new TextDecoder().decode(bytes.subarray(20, 64))).toBe('com.apple.streaming.transportStreamTimestamp');
    expect(bytes[73]).toBe(0xff); // then ADTS frames (ID3 header, PRIV header, 53 bytes of PRIV)
  }
  expect((await anonymous.get(`/r/${roomId}/live/999999.aac`)).status).toBe(404);
  expect((await anonymous.get(`/r/${roomId}/live/nonsense.ts`)).status).toBe(404);

  const heard = await listenWithFfmpeg(`${salon.url}/r/${roomId}/live.m3u8`, 3);
  expect(heard.length).toBeGreaterThan(48000 * 2);
  // The test tone's amplitude is 0.125; a loaded machine may leave short holes in the mix (a decoder
  // starved of CPU), so the level is checked loosely, and against a tone nobody sends.
  expect(toneLevel(heard, 440)).toBeGreaterThan(0.04);
  expect(toneLevel(heard, 440)).toBeGreaterThan(10 * toneLevel(heard, 660));

  // A second speaker comes on stage: heard in the mix, through the same encoder.
  const guest = await signUp(salon.url, 'hls_guest');
  const guestSocket = await RoomClient.join(guest.client, salon.url, roomId);
  await hostSpeaker.socket.bringOnStage(guestSocket);
  const guestSpeaker = await speakWithWerift(guest.client, roomId, guestSocket);
  stream(guestSpeaker, 'high');
  await waitFor(() => salon.deps.hls.find(roomId)!.stream.mixedPeers().length === 2, 10_000, 'the guest in the mix');
  await Bun.sleep(6000); // ffmpeg starts 3 segments behind live: past the moment the guest came in
  const both = await listenWithFfmpeg(`${salon.url}/r/${roomId}/live.m3u8`, 3);
  expect(toneLevel(both, 660)).toBeGreaterThan(0.04);
  expect(toneLevel(both, 440)).toBeGreaterThan(0.04);
  expect(salon.deps.hls.find(roomId)!.stream.encoderPid).toBe(encoderPid);

  // The room ends: the playlist ends too, and is still served for a while.
  hostSpeaker.socket.send({ type: 'end' });
  await waitFor(() => !salon.deps.live.get(roomId), 10_000, 'the room to end');
  await waitFor(async () => (await (await anonymous.get(`/r/${roomId}/live.m3u8`)).text()).includes('#EXT-X-ENDLIST'), 10_000, 'the final playlist');
  const final = parsePlaylist(await (await anonymous.get(`/r/${roomId}/live.m3u8`)).text());
  expect(final.ended).toBe(true);
  expect(final.segments.length).toBeGreaterThan(0);
  expect((await anonymous.get(`/r/${roomId}/${final.segments.at(-1)!.uri}`)).status).toBe(200);
  expect(salon.deps.hls.find(roomId)!.stream.pids()).toEqual([]); // no ffmpeg left running
}, 90_000);

test('unknown rooms and rooms hidden by a block get 404', async () => {
  const anonymous = new WebClient(salon.url);
  expect((await anonymous.get('/r/nosuchroom/live.m3u8')).status).toBe(404);
  expect((await anonymous.get('/r/nosuchroom/live/0.aac')).status).toBe(404);
  expect((await anonymous.get('/r/..%2F..%2Fetc/live.m3u8')).status).toBe(404);
  const otherHost = await signUp(salon.url, 'hls_host2');
  const otherId = (await salon.db.selectFrom('users').select('id').where('handle', '=', 'hls_host2').executeTakeFirstOrThrow()).id;
  expect((await host.client.post(`/admin/users/${otherId}/grant-host`)).status).toBeLessThan(400); // the first account is the admin
  const created = await otherHost.client.post('/studio/rooms', { title: 'Blocked listener' });
  const roomId: string = (await created.json()).id;
  const blocked = await signUp(salon.url, 'hls_blocked');
  expect((await blocked.client.get(`/r/${roomId}/live.m3u8`)).status).toBe(200);
  await otherHost.client.post('/@hls_blocked/block', {});
  expect((await blocked.client.get(`/r/${roomId}/live.m3u8`)).status).toBe(404);
  expect((await blocked.client.get(`/r/${roomId}/live/0.aac`)).status).toBe(404);
  await otherHost.client.post(`/r/${roomId}/end`, {});
}, 30_000);

test('a mix nobody listens to stops, and starts again on the next request with the sequence going on after a discontinuity', async () => {
  const { LiveStreams } = await import('../../src/hls/live-streams');
  const streams = new LiveStreams({ log: salon.deps.log, live: salon.deps.live, media: salon.deps.media, dataDir: tempDir('salon-hls-idle-'), ffmpeg: 'ffmpeg', now: () => Date.now(), idleMs: 1500, sweepMs: 250 });
  const created = await host.client.post('/studio/rooms', { title: 'Idle over HLS' });
  const roomId: string = (await created.json()).id;
  try {
    const { stream } = streams.find(roomId)!;
    await stream.touch(Date.now());
    await waitFor(() => stream.playlist().text.includes('live/0.aac'), 10_000, 'a first segment');
    const firstPid = stream.encoderPid;
    await waitFor(() => !stream.running, 10_000, 'the idle mix to stop');
    expect(stream.pids()).toEqual([]);
    const before = stream.playlist().text.match(/live\/(\d+)\.aac/g)!.at(-1)!;
    await stream.touch(Date.now());
    await waitFor(() => stream.playlist().text.includes('#EXT-X-DISCONTINUITY\n'), 10_000, 'segments of the new mix');
    expect(stream.encoderPid).not.toBe(firstPid);
    const text = stream.playlist().text;
    const seqs = [...text.matchAll(/live\/(\d+)\.aac/g)].map((m) => Number(m[1]));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i)); // consecutive: no number reused or skipped
    expect(text.indexOf('#EXT-X-DISCONTINUITY\n')).toBeGreaterThan(text.indexOf(before));
  } finally {
    await streams.close();
    await host.client.post(`/r/${roomId}/end`, {});
  }
}, 40_000);
