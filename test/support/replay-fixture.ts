// A finished replay without recording a room: rows as the recorder and the finalise job leave
// them, and real audio files made by ffmpeg (a sine tone) in the recording's folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestSalon } from './salon';

export async function ffmpegTone(out: string, hz: number, seconds: number, codec: string[]) {
  const proc = Bun.spawn(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=48000:duration=${seconds}`, ...codec, out], { stderr: 'pipe' });
  if ((await proc.exited) !== 0) throw new Error(`ffmpeg failed: ${await new Response(proc.stderr).text()}`);
}

export interface ReplayFixture {
  recordingId: string;
  dir: string;
}

/** Makes room `roomId` (ended) a ready replay of `seconds` of a tone, spoken by `speakers`. */
export async function makeReplay(
  salon: TestSalon,
  opts: { roomId: string; hostId: number; speakers: { userId: number; name: string }[]; seconds?: number; hz?: number; visibility?: 'public' | 'unlisted' | 'private'; status?: 'ready' | 'processing' | 'failed' },
): Promise<ReplayFixture> {
  const seconds = opts.seconds ?? 10;
  const recordingId = `rec${opts.roomId}`;
  const dir = salon.deps.recorders.dirOf(recordingId);
  mkdirSync(dir, { recursive: true });
  await Promise.all([
    ffmpegTone(join(dir, 'replay.opus'), opts.hz ?? 440, seconds, ['-c:a', 'libopus', '-b:a', '48k', '-f', 'ogg']),
    ffmpegTone(join(dir, 'replay.m4a'), opts.hz ?? 440, seconds, ['-c:a', 'aac', '-b:a', '64k', '-f', 'mp4']),
  ]);
  writeFileSync(join(dir, 'peaks.json'), JSON.stringify({ durationMs: seconds * 1000, peaks: Array.from({ length: 200 }, (_, i) => 0.3 + 0.5 * Math.abs(Math.sin(i / 9))) }));
  const db = salon.db;
  await db
    .insertInto('recordings')
    .values({ id: recordingId, room_id: opts.roomId, host_id: opts.hostId, title: 'Replay fixture', status: opts.status ?? 'ready', visibility: opts.visibility ?? 'public', duration_ms: seconds * 1000, bytes: 1000 })
    .execute();
  const everyone = [{ userId: opts.hostId, name: 'Host' }, ...opts.speakers];
  for (const [i, s] of everyone.entries()) {
    await db.insertInto('recording_tracks').values({ recording_id: recordingId, participant_id: `u:${s.userId}`, user_id: s.userId, name: s.name, file: `track-${i}.webm`, offset_ms: 0 }).execute();
  }
  // The host speaks the first half (in two stretches 1.5 s apart: one chapter), the first speaker the rest.
  const half = (seconds * 1000) / 2;
  const speech = [
    { participant_id: `u:${opts.hostId}`, user_id: opts.hostId, name: 'Host', start_ms: 0, end_ms: half / 2 },
    { participant_id: `u:${opts.hostId}`, user_id: opts.hostId, name: 'Host', start_ms: half / 2 + 1500, end_ms: half },
    ...(opts.speakers[0] ? [{ participant_id: `u:${opts.speakers[0].userId}`, user_id: opts.speakers[0].userId, name: opts.speakers[0].name, start_ms: half, end_ms: seconds * 1000 }] : []),
  ];
  await db.insertInto('recording_speech').values(speech.map((s) => ({ recording_id: recordingId, ...s }))).execute();
  return { recordingId, dir };
}

/** A room of `hostHandle` that ended earlier, with a ready replay (the host, then `speakerHandle`): for pages that need one. */
export async function endedRoomWithReplay(salon: TestSalon, hostHandle: string, speakerHandle: string, title = 'Last week: seeds and frost'): Promise<string> {
  const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
  const hostId = await idOf(hostHandle);
  const roomId = `rp${Date.now().toString(36)}`;
  const ended = new Date().toISOString();
  await salon.db.insertInto('rooms').values({ id: roomId, host_id: hostId, title, status: 'ended', end_reason: 'host', started_at: ended, ended_at: ended }).execute();
  await makeReplay(salon, { roomId, hostId, speakers: [{ userId: await idOf(speakerHandle), name: speakerHandle }], seconds: 20 });
  return roomId;
}
