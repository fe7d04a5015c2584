// A recording survives what goes wrong mid-room: the recorder process killed, the media worker
// killed, a speaker muted longer than ffmpeg waits for packets, and the server itself killed.
// Each leaves a gap, never a corrupt file; a killed server finalises the recording when it restarts.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { join } from 'node:path';
import { findRecordingOfRoom, findTracks } from '../../src/recording/recordings.repository';
import { decodeToSamples, opusPackets, sendInRealTime, toneLevel } from '../support/opus-tone';
import { spawnSalon } from '../support/process';
import { RoomClient } from '../support/room-client';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp } from '../support/web-client';
import { speakWithWerift, type WeriftSpeaker } from '../support/werift-speaker';

let salon: TestSalon;
let tone: Buffer[];

beforeAll(async () => {
  salon = await startTestSalon();
  tone = await opusPackets(tempDir('salon-opus-'), 440, 20);
}, 30_000);
afterAll(() => salon.dispose());

/** Sends the tone every 20 ms through whichever speaker `current()` is (they re-publish after a reset). */
function stream(current: () => WeriftSpeaker) {
  let i = 0;
  return sendInRealTime(() => {
    const speaker = current();
    return { send: (payload, ts) => speaker.send(payload, ts), packet: tone[i++ % tone.length]! };
  });
}

test('a killed recorder, a killed media worker and a long mute each leave a gap in a recording that still plays', async () => {
  const host = await signUp(salon.url, 'recovery_host');
  const roomId: string = (await (await host.client.post('/studio/rooms', { title: 'Hard times', recordIntent: 'on' })).json()).id;
  const socket = await RoomClient.join(host.client, salon.url, roomId);
  let speaker = await speakWithWerift(host.client, roomId, socket);
  const stopStream = stream(() => speaker);
  const recorder = salon.deps.recorders.get(roomId)!;
  await waitFor(() => recorder.recorderPids().length === 1, 5000, 'the recorder');
  await Bun.sleep(1500);

  // 1. The recorder process dies: a new segment starts at once.
  const [first] = recorder.recorderPids();
  process.kill(first!, 'SIGKILL');
  await waitFor(() => recorder.recorderPids().length === 1 && recorder.recorderPids()[0] !== first, 5000, 'a new recorder after the kill');
  await Bun.sleep(1500);

  // 2. The media worker dies: the room moves, the speaker publishes again, a new segment starts.
  const [worker] = salon.pool.liveWorkers();
  const from = socket.messages.length;
  process.kill(worker!.pid, 'SIGKILL');
  await socket.next((m) => m.type === 'mediaReset', 15_000, from);
  speaker = await speakWithWerift(host.client, roomId, socket);
  await waitFor(() => recorder.recorderPids().length === 1, 10_000, 'a recorder on the new worker');
  await Bun.sleep(1500);

  // 3. Muted for longer than ffmpeg waits for media packets (10 s): the paused stream's RTCP keeps
  // its recorder alive, and the stretch is silence inside the same segment.
  socket.send({ type: 'mute' });
  await Bun.sleep(11_500);
  socket.send({ type: 'unmute' });
  await Bun.sleep(1500);

  socket.send({ type: 'end' });
  await recorder.settled;
  stopStream();
  socket.close();

  const recording = (await findRecordingOfRoom(salon.db, roomId))!;
  expect(recording.status).not.toBe('failed');
  const tracks = await findTracks(salon.db, recording.id);
  expect(tracks.length).toBe(3); // before the kill, until the worker died, after it
  const dir = salon.deps.recorders.dirOf(recording.id);
  let previousEnd = 0;
  for (const track of tracks) {
    expect(track.end_ms).not.toBeNull();
    expect(track.offset_ms).toBeGreaterThanOrEqual(previousEnd - 100); // segments follow each other on the clock
    previousEnd = track.end_ms!;
    const audio = await decodeToSamples(join(dir, track.file)); // every file decodes: a gap, not a corrupt file
    expect(audio.length).toBeGreaterThan(48000 * 0.5);
    expect(toneLevel(audio.subarray(0, 48000 * 0.5), 440)).toBeGreaterThan(0.05);
  }
  // The gaps between segments (a restart, a worker move) are short.
  for (const [a, b] of [[tracks[0]!, tracks[1]!], [tracks[1]!, tracks[2]!]] as const) expect(b.offset_ms - a.end_ms!).toBeLessThan(2000);
  expect(recording.duration_ms - tracks[2]!.end_ms!).toBeLessThan(500);
  // The long mute is silence in the last segment, and the voice comes back after it.
  const last = await decodeToSamples(join(dir, tracks[2]!.file));
  const at = (ms: number) => Math.round((ms * 48000) / 1000);
  expect(toneLevel(last.subarray(at(3000), at(11_000)), 440)).toBeLessThan(0.005);
  expect(toneLevel(last.subarray(last.length - at(1000), last.length - at(200)), 440)).toBeGreaterThan(0.05);
}, 90_000);

test('a server killed mid-room finalises the interrupted recording when it starts again', async () => {
  const dataDir = tempDir('salon-crash-');
  const env = { ...process.env, SALON_TEST_LOG: undefined };
  const flags = ['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--workers', '1', '--rtc-listen-ip', '127.0.0.1', '--web-rtc-port', '0'];
  const first = await spawnSalon([process.execPath, 'src/main.ts', ...flags], env);
  const host = await signUp(first.url, 'crash_host');
  const roomId: string = (await (await host.client.post('/studio/rooms', { title: 'Crash', recordIntent: 'on' })).json()).id;
  const speaker = await speakWithWerift(host.client, roomId);
  const stopStream = stream(() => speaker);
  const db = new Database(join(dataDir, 'salon.sqlite'));
  const trackCount = () => (db.query('select count(*) as n from recording_tracks').get() as { n: number }).n;
  await waitFor(() => trackCount() === 1, 10_000, 'a track on disk');
  await Bun.sleep(2000);
  await first.stop('SIGKILL'); // no goodbye: the recording stays 'recording' in the database
  stopStream();
  speaker.close();
  expect((db.query('select status from recordings').get() as { status: string }).status).toBe('recording');

  const second = await spawnSalon([process.execPath, 'src/main.ts', ...flags], env);
  try {
    await waitFor(() => (db.query('select status from recordings').get() as { status: string }).status !== 'recording', 10_000, 'the recording to be finalised');
    const row = db.query('select status from recordings').get() as { status: string };
    expect(['processing', 'ready']).toContain(row.status);
    const track = db.query('select file from recording_tracks').get() as { file: string };
    const recordingId = (db.query('select id from recordings').get() as { id: string }).id;
    const audio = await decodeToSamples(join(dataDir, 'recordings', recordingId, track.file));
    expect(audio.length).toBeGreaterThan(48000 * 1.2); // what reached the disk before the kill (clusters of 0.5 s)
    expect(toneLevel(audio, 440)).toBeGreaterThan(0.05);
  } finally {
    db.close();
    await second.stop();
  }
}, 90_000);
