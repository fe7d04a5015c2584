// Recording a live room with the real worker and real ffmpeg: headless speakers send real Opus
// tones; each consenting stage member gets a track holding only their voice, placed on the room's
// recording clock; a muted stretch is silent; listeners are never recorded.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { findTracks, findRecordingOfRoom } from '../../src/recording/recordings.repository';
import { decodeToSamples, opusPackets, sendInRealTime, toneLevel, toneOnsetMs } from '../support/opus-tone';
import { RoomClient } from '../support/room-client';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp, type Account } from '../support/web-client';
import { joinWithWerift } from '../support/werift-listener';
import { speakWithWerift, type WeriftSpeaker } from '../support/werift-speaker';

let salon: TestSalon;
let host: Account;
let packets: Record<'silence' | 'low' | 'high', Buffer[]>;

beforeAll(async () => {
  salon = await startTestSalon();
  host = await signUp(salon.url, 'rec_host');
  const dir = tempDir('salon-opus-');
  const [silence, low, high] = await Promise.all([opusPackets(dir, 0, 20), opusPackets(dir, 440, 20), opusPackets(dir, 660, 20)]);
  packets = { silence: silence!, low: low!, high: high! };
}, 30_000);
afterAll(() => salon.dispose());

/** A speaker's microphone in real time; `sound()` says which kind, read for each packet. */
function stream(speaker: WeriftSpeaker, sound: () => keyof typeof packets) {
  let i = 0;
  return sendInRealTime(() => {
    const list = packets[sound()];
    return { send: (payload, ts) => speaker.send(payload, ts), packet: list[i++ % list.length]! };
  });
}

const within = (samples: Float32Array, fromMs: number, toMs: number) => samples.subarray(Math.round((fromMs * 48000) / 1000), Math.round((toMs * 48000) / 1000));

test('each consenting speaker gets an aligned track of their own voice; muted stretches are silent; listeners are never recorded', async () => {
  const created = await host.client.post('/studio/rooms', { title: 'Recorded', recordIntent: 'on' });
  const roomId: string = (await created.json()).id;
  const roomStarted = Date.now();
  const hostSpeaker = await speakWithWerift(host.client, roomId);
  expect(hostSpeaker.socket.snapshot.room.recording).toBe(true);
  let hostSound: keyof typeof packets = 'silence';
  const stopHost = stream(hostSpeaker, () => hostSound);

  const listener = await joinWithWerift(salon.url, roomId); // an anonymous listener: never in any file
  const guest = await signUp(salon.url, 'rec_guest');
  const guestSocket = await RoomClient.join(guest.client, salon.url, roomId);
  // While recording, the microphone waits for consent: accepting the invitation alone is not enough.
  const guestId = await hostSpeaker.socket.bringOnStage(guestSocket);
  await expect(speakWithWerift(guest.client, roomId, guestSocket)).rejects.toThrow(/recorded/);
  guestSocket.send({ type: 'consentToRecording' });
  await guestSocket.next((m) => m.type === 'recordingConsented' && m.id === guestId);
  await Bun.sleep(1500); // the guest comes in late
  const guestSpeaker = await speakWithWerift(guest.client, roomId, guestSocket);
  let guestSound: keyof typeof packets = 'silence';
  const stopGuest = stream(guestSpeaker, () => guestSound);
  await Bun.sleep(1000);

  // Both start their tone at the same instant: on the recording clock the onsets must coincide.
  hostSound = 'low';
  guestSound = 'high';
  await Bun.sleep(2000);
  hostSpeaker.socket.send({ type: 'mute' });
  await hostSpeaker.socket.next((m) => m.type === 'muteChanged' && m.muted);
  await Bun.sleep(2000);
  hostSpeaker.socket.send({ type: 'unmute' });
  await hostSpeaker.socket.next((m) => m.type === 'muteChanged' && !m.muted);
  await Bun.sleep(1500);

  const recorder = salon.deps.recorders.get(roomId)!;
  expect(recorder).toBeDefined();
  hostSpeaker.socket.send({ type: 'end' });
  const roomEnded = Date.now();
  await recorder.settled;
  stopHost();
  stopGuest();
  await listener.close();

  const recording = (await findRecordingOfRoom(salon.db, roomId))!;
  expect(['processing', 'ready']).toContain(recording.status);
  expect(Math.abs(recording.duration_ms - (roomEnded - roomStarted))).toBeLessThan(1000);
  const tracks = await findTracks(salon.db, recording.id);
  expect(tracks.map((t) => t.participant_id).sort()).toEqual([hostSpeaker.socket.snapshot.you.id, guestId].sort());
  const dir = salon.deps.recorders.dirOf(recording.id);
  const hostTrack = tracks.find((t) => t.participant_id !== guestId)!;
  const guestTrack = tracks.find((t) => t.participant_id === guestId)!;
  expect(guestTrack.offset_ms - hostTrack.offset_ms).toBeGreaterThan(1500); // late, and placed late
  const hostAudio = await decodeToSamples(join(dir, hostTrack.file));
  const guestAudio = await decodeToSamples(join(dir, guestTrack.file));

  // Each file holds only its own voice.
  expect(toneLevel(hostAudio, 440)).toBeGreaterThan(0.05);
  expect(toneLevel(hostAudio, 660)).toBeLessThan(0.005);
  expect(toneLevel(guestAudio, 660)).toBeGreaterThan(0.05);
  expect(toneLevel(guestAudio, 440)).toBeLessThan(0.005);

  // Aligned: the same instant lands at the same place on the recording clock (within 100 ms).
  const hostOnset = toneOnsetMs(hostAudio, 440)!;
  const guestOnset = toneOnsetMs(guestAudio, 660)!;
  expect(hostOnset).not.toBeNull();
  expect(guestOnset).not.toBeNull();
  expect(Math.abs(hostOnset + hostTrack.offset_ms - (guestOnset + guestTrack.offset_ms))).toBeLessThan(100);

  // The host's muted stretch (2 s after the onset, for 2 s) is silence in their track, and time still passes.
  expect(toneLevel(within(hostAudio, hostOnset + 2700, hostOnset + 3300), 440)).toBeLessThan(0.005);
  expect(toneLevel(within(hostAudio, hostOnset + 500, hostOnset + 1500), 440)).toBeGreaterThan(0.05);
  expect(toneLevel(within(hostAudio, hostOnset + 4500, hostOnset + 5200), 440)).toBeGreaterThan(0.05);
  expect(toneLevel(within(guestAudio, guestOnset + 2400, guestOnset + 3600), 660)).toBeGreaterThan(0.05);
}, 60_000);

test("a host's storage quota: a full quota refuses Record; reaching it mid-room stops the recording and tells everyone", async () => {
  await salon.deps.settings.update({ hostStorageQuotaMb: 1, hostMinFollowers: 0 });
  const quotaHost = await signUp(salon.url, 'rec_quota');
  const userId = (await salon.db.selectFrom('users').select('id').where('handle', '=', 'rec_quota').executeTakeFirstOrThrow()).id;
  // An earlier replay already holds all but 10 KB of the megabyte.
  const earlier = (await (await quotaHost.client.post('/studio/rooms', { title: 'Earlier' })).json()).id as string;
  const earlierSocket = await RoomClient.join(quotaHost.client, salon.url, earlier);
  earlierSocket.send({ type: 'end' });
  await earlierSocket.waitClosed(5000);
  await salon.db.insertInto('recordings').values({ id: 'earlier-replay', room_id: earlier, host_id: userId, title: 'Earlier', status: 'ready', bytes: 1024 * 1024 }).execute();

  const full = (await (await quotaHost.client.post('/studio/rooms', { title: 'Full' })).json()).id as string;
  const fullSpeaker = await speakWithWerift(quotaHost.client, full);
  const refusal = await fullSpeaker.socket.request({ type: 'startRecording', ref: 'r1' }, (m) => m.type === 'error' && m.ref === 'r1');
  expect(refusal).toMatchObject({ code: 'limitReached', message: expect.stringContaining('storage') });
  fullSpeaker.socket.send({ type: 'end' });
  fullSpeaker.close();

  await salon.db.updateTable('recordings').set({ bytes: 1024 * 1024 - 10_000 }).where('id', '=', 'earlier-replay').execute();
  const nearly = (await (await quotaHost.client.post('/studio/rooms', { title: 'Nearly full' })).json()).id as string;
  const speaker = await speakWithWerift(quotaHost.client, nearly);
  const stop = stream(speaker, () => 'low');
  speaker.socket.send({ type: 'startRecording' });
  await speaker.socket.next((m) => m.type === 'recordingChanged' && m.recording);
  const stopped = await speaker.socket.next((m) => m.type === 'recordingChanged' && !m.recording, 20_000);
  expect(stopped).toMatchObject({ by: null, reason: 'quota' });
  expect(salon.deps.live.get(nearly)!.state.recording).toBe(false);
  stop();
  speaker.socket.send({ type: 'end' });
  speaker.close();
  await salon.deps.settings.update({ hostStorageQuotaMb: 2000 });
}, 40_000);
