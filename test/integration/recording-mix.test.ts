// The post-room mix with the real ffmpeg and a real SQLite file: two speakers (440 Hz and 660 Hz)
// on the recording clock, one muted for a stretch (a gap in its file's timestamps, as the recorder
// writes it), mixed, trimmed, loudness-normalised and encoded; then a crash-cut track, an empty
// recording and a missing ffmpeg.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/db/connection';
import { migrateToLatest } from '../../src/db/migrator';
import { JobQueue } from '../../src/jobs/job-queue';
import { createLogger } from '../../src/log';
import { finaliseRecordingJob, replayFiles } from '../../src/recording/mix/finalise-recording.job';
import { parseIntegratedLoudness } from '../../src/recording/mix/mix-command';
import { tempDir } from '../support/salon';

const ffmpeg = Bun.which('ffmpeg') ?? 'ffmpeg';
const ffprobe = Bun.which('ffprobe') ?? 'ffprobe';

let dataDir: string;
let fixtures: string;
let db: Db;
let hostId: number;
const logLines: string[] = [];
const log = createLogger('debug', (line) => void logLines.push(line));
const deps = () => ({ db, log, dataDir, ffmpeg, ffprobe });

async function run(args: string[]) {
  const proc = Bun.spawn(args, { stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).arrayBuffer(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${args.join(' ')}: ${stderr}`);
  return { stdout, stderr };
}

/**
 * A track as the recorder writes it: Opus copied into live WebM. A muted stretch is no packets at
 * all, so the timestamps jump: made here by shifting every packet after `gap.atMs` by `gap.ms`.
 */
async function makeTrack(file: string, opts: { freq: number; ms: number; channels?: number; gap?: { atMs: number; ms: number } }) {
  const sounding = opts.ms - (opts.gap?.ms ?? 0);
  const encoded = opts.gap ? `${file}.nogap.webm` : file;
  await run([ffmpeg, '-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${opts.freq}:sample_rate=48000:duration=${sounding / 1000}`,
    '-ac', String(opts.channels ?? 1), '-c:a', 'libopus', '-b:a', '32k', '-f', 'webm', '-live', '1', '-cluster_time_limit', '1000', encoded]);
  if (!opts.gap) return;
  // WebM's time base is 1 ms, so PTS here is in milliseconds.
  const { atMs, ms } = opts.gap;
  await run([ffmpeg, '-v', 'error', '-y', '-i', encoded, '-c:a', 'copy', '-bsf:a', `setts=ts=if(gte(PTS\\,${atMs})\\,PTS+${ms}\\,PTS)`, '-f', 'webm', '-live', '1', file]);
  await rm(encoded);
}

let sequence = 0;
/** A recording row of an ended room, its folder and its tracks (copied from the fixtures). */
async function makeRecording(opts: { durationMs: number; tracks: { fixture: string | null; offsetMs: number; endMs: number | null }[]; trim?: [number, number | null] }) {
  const id = `rec${++sequence}`;
  const roomId = `room${sequence}`;
  await db.insertInto('rooms').values({ id: roomId, host_id: hostId, title: 'Mixed', status: 'ended' }).execute();
  await db.insertInto('recordings').values({ id, room_id: roomId, host_id: hostId, title: 'Mixed', status: 'processing', duration_ms: opts.durationMs, trim_start_ms: opts.trim?.[0] ?? 0, trim_end_ms: opts.trim?.[1] ?? null }).execute();
  const dir = join(dataDir, 'recordings', id);
  await mkdir(join(dir, 'tracks'), { recursive: true });
  for (const [i, track] of opts.tracks.entries()) {
    const file = `tracks/${i + 1}.webm`;
    if (track.fixture) await copyFile(join(fixtures, track.fixture), join(dir, file));
    await db.insertInto('recording_tracks').values({ recording_id: id, participant_id: `p${i}`, user_id: null, name: `Speaker ${i}`, file, offset_ms: track.offsetMs, end_ms: track.endMs }).execute();
  }
  return { id, dir };
}

const recordingRow = (id: string) => db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const trackRows = (id: string) => db.selectFrom('recording_tracks').selectAll().where('recording_id', '=', id).orderBy('id').execute();

async function durationOf(file: string): Promise<number> {
  const { stdout } = await run([ffprobe, '-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(new TextDecoder().decode(stdout).trim()) * 1000;
}

const rate = 16_000;
async function decode(file: string): Promise<Int16Array> {
  const { stdout } = await run([ffmpeg, '-v', 'error', '-i', file, '-ac', '1', '-ar', String(rate), '-f', 's16le', '-']);
  return new Int16Array(stdout);
}

/**
 * Amplitude (0..1) of the `freq` component between two instants: a Goertzel filter over a Hann
 * window (short windows would otherwise see the other tone leak in).
 */
function toneLevel(samples: Int16Array, freq: number, fromMs: number, toMs: number): number {
  const start = Math.round((fromMs * rate) / 1000);
  const end = Math.min(samples.length, Math.round((toMs * rate) / 1000));
  const n = end - start;
  const k = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  let weights = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    weights += w;
    const s = (w * samples[start + i]!) / 32768 + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2))) / weights;
}

async function loudnessOf(file: string): Promise<{ integrated: number | null; truePeak: number }> {
  const { stderr } = await run([ffmpeg, '-hide_banner', '-nostats', '-i', file, '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-']);
  const peak = /True peak:\s*Peak:\s*(-?[\d.]+|-inf)/.exec(stderr.slice(stderr.lastIndexOf('Summary:')))?.[1];
  return { integrated: parseIntegratedLoudness(stderr), truePeak: Number(peak) };
}

const strong = 0.03;
const weak = strong / 10; // 20 dB down

beforeAll(async () => {
  dataDir = tempDir('salon-mix-');
  fixtures = join(dataDir, 'fixtures');
  await mkdir(fixtures, { recursive: true });
  db = openDatabase(dataDir);
  await migrateToLatest(db);
  hostId = (await db.insertInto('users').values({ handle: 'mixhost', email: 'mix@example.org', password_hash: 'x', display_name: 'Mix Host', avatar_file: null, language: null, suspended_at: null, invited_by: null, invite_code: null }).returning('id').executeTakeFirstOrThrow()).id;
  await Promise.all([
    // 12 s on its own clock, muted from 4 s to 8 s.
    makeTrack(join(fixtures, 'a440-gap.webm'), { freq: 440, ms: 12_000, gap: { atMs: 4000, ms: 4000 } }),
    // 9 s, stereo as browsers send it.
    makeTrack(join(fixtures, 'b660.webm'), { freq: 660, ms: 9000, channels: 2 }),
    // 18 s, muted from 3 s to 15 s: long enough to be split into two runs.
    makeTrack(join(fixtures, 'a440-longgap.webm'), { freq: 440, ms: 18_000, gap: { atMs: 3000, ms: 12_000 } }),
    makeTrack(join(fixtures, 'b660-17s.webm'), { freq: 660, ms: 17_000 }),
  ]);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

describe('finaliseRecording', () => {
  // Clock: 440 Hz at 0-4 s and 8-12 s (muted 4-8 s); 660 Hz from 3 s to 12 s; silence to 14 s.
  const twoSpeakers = {
    durationMs: 14_000,
    tracks: [
      { fixture: 'a440-gap.webm', offsetMs: 0, endMs: 12_000 },
      { fixture: 'b660.webm', offsetMs: 3000, endMs: 12_000 },
    ],
  };

  test('two speakers on the recording clock: both tones, the muted stretch holds only the other one, podcast loudness', async () => {
    const { id, dir } = await makeRecording(twoSpeakers);
    await finaliseRecordingJob(deps()).run({ recordingId: id }, undefined as never);

    const recording = await recordingRow(id);
    expect(recording.status).toBe('ready');
    expect(recording.duration_ms).toBe(14_000);
    expect(recording.processed_at).toBeTruthy();
    expect(recording.error).toBeNull();
    const tracks = await trackRows(id);
    expect(tracks.every((t) => t.bytes > 0)).toBe(true);
    const outputs = Object.values(replayFiles).map((name) => statSync(join(dir, name)).size);
    expect(recording.bytes).toBe(tracks.reduce((sum, t) => sum + t.bytes, 0) + outputs.reduce((a, b) => a + b, 0));
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);

    for (const name of [replayFiles.opus, replayFiles.m4a]) {
      const file = join(dir, name);
      expect(Math.abs((await durationOf(file)) - 14_000)).toBeLessThan(1000);
      const pcm = await decode(file);
      const at = (freq: number, from: number, to: number) => toneLevel(pcm, freq, from, to);
      // 440 alone before the second speaker joins
      expect([name, at(440, 500, 2500) > strong, at(660, 500, 2500) < weak]).toEqual([name, true, true]);
      // the muted stretch: silence in the first track, not lost time (its last 4 s stay at 8-12 s)
      expect([name, at(660, 4500, 7500) > strong, at(440, 4500, 7500) < weak]).toEqual([name, true, true]);
      expect([name, at(440, 8500, 11_500) > strong, at(660, 8500, 11_500) > strong]).toEqual([name, true, true]);
      // the recording's silent end is kept
      expect([name, at(440, 12_500, 13_500) < weak, at(660, 12_500, 13_500) < weak]).toEqual([name, true, true]);
      const loudness = await loudnessOf(file);
      expect([name, Math.abs(loudness.integrated! + 16) <= 1.5]).toEqual([name, true]);
      expect([name, loudness.truePeak <= -1]).toEqual([name, true]);
    }

    const peaks = JSON.parse(await Bun.file(join(dir, replayFiles.peaks)).text()) as { durationMs: number; peaks: number[] };
    expect(peaks.durationMs).toBe(14_000);
    expect(peaks.peaks.length).toBe(140); // one per 100 ms
    expect(peaks.peaks.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(Math.min(...peaks.peaks.slice(5, 115))).toBeGreaterThan(0.05); // sound from 0.5 s to 11.5 s
    expect(Math.max(...peaks.peaks.slice(125))).toBeLessThan(0.01); // silence after 12.5 s
  }, 30_000);

  test('a trim set afterwards: the job runs again and replaces the replay with the trimmed one', async () => {
    const { id, dir } = await makeRecording(twoSpeakers);
    const job = finaliseRecordingJob(deps());
    await job.run({ recordingId: id }, undefined as never);
    await db.updateTable('recordings').set({ trim_start_ms: 2000, trim_end_ms: 10_000, status: 'processing' }).where('id', '=', id).execute();
    await job.run({ recordingId: id }, undefined as never);

    const recording = await recordingRow(id);
    expect(recording.status).toBe('ready');
    expect(recording.duration_ms).toBe(14_000); // the recording; the replay is its trimmed part
    for (const name of [replayFiles.opus, replayFiles.m4a]) {
      const file = join(dir, name);
      expect(Math.abs((await durationOf(file)) - 8000)).toBeLessThan(1000);
      const pcm = await decode(file);
      const at = (freq: number, from: number, to: number) => toneLevel(pcm, freq, from, to);
      expect([name, at(440, 200, 800) > strong, at(660, 200, 800) < weak]).toEqual([name, true, true]); // clock 2.2-2.8 s
      expect([name, at(660, 2500, 5500) > strong, at(440, 2500, 5500) < weak]).toEqual([name, true, true]); // clock 4.5-7.5 s
      expect([name, at(440, 6500, 7500) > strong, at(660, 6500, 7500) > strong]).toEqual([name, true, true]); // clock 8.5-9.5 s
    }
    const peaks = JSON.parse(await Bun.file(join(dir, replayFiles.peaks)).text());
    expect(peaks.durationMs).toBe(8000);
    expect(peaks.peaks.length).toBe(80);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
  }, 30_000);

  test('a track cut short by a crash (no end time, truncated file) still mixes; a missing file is left out', async () => {
    const { id, dir } = await makeRecording({
      durationMs: 0, // the crash left no duration either
      tracks: [
        { fixture: 'a440-gap.webm', offsetMs: 0, endMs: 12_000 },
        { fixture: 'b660.webm', offsetMs: 3000, endMs: null },
        { fixture: null, offsetMs: 5000, endMs: null },
      ],
    });
    const cut = join(dir, 'tracks/2.webm');
    truncateSync(cut, Math.floor(statSync(cut).size / 2)); // mid-cluster, no clean ending
    logLines.length = 0;
    await finaliseRecordingJob(deps()).run({ recordingId: id }, undefined as never);

    const [, cutTrack, missing] = await trackRows(id);
    expect(cutTrack!.bytes).toBe(statSync(cut).size);
    // about half of its 9 s, placed at 3 s
    expect(cutTrack!.end_ms!).toBeGreaterThan(3000 + 3000);
    expect(cutTrack!.end_ms!).toBeLessThan(3000 + 6000);
    expect(missing!.end_ms).toBeNull();
    expect(logLines.some((line) => line.includes('missing: left out of the replay'))).toBe(true);

    const recording = await recordingRow(id);
    expect(recording.status).toBe('ready');
    expect(recording.duration_ms).toBe(12_000); // the longest track's end
    const pcm = await decode(join(dir, replayFiles.opus));
    expect(Math.abs(pcm.length / rate - 12)).toBeLessThan(1);
    expect(toneLevel(pcm, 660, 3500, 5500)).toBeGreaterThan(strong);
    expect(toneLevel(pcm, 660, cutTrack!.end_ms! + 500, 11_500)).toBeLessThan(weak);
    expect(toneLevel(pcm, 440, 8500, 11_500)).toBeGreaterThan(strong);
  }, 30_000);

  test('a long mute (split into runs, each read from its own seek point) is placed to within 100 ms', async () => {
    const { id, dir } = await makeRecording({
      durationMs: 18_000,
      tracks: [
        { fixture: 'a440-longgap.webm', offsetMs: 0, endMs: 18_000 },
        { fixture: 'b660-17s.webm', offsetMs: 1000, endMs: 18_000 },
      ],
    });
    await finaliseRecordingJob(deps()).run({ recordingId: id }, undefined as never);
    expect((await recordingRow(id)).status).toBe('ready');
    const pcm = await decode(join(dir, replayFiles.m4a));
    const at = (freq: number, from: number, to: number) => toneLevel(pcm, freq, from, to);
    expect(Math.abs(pcm.length / rate - 18)).toBeLessThan(1);
    expect([at(440, 200, 2800) > strong, at(440, 3300, 14_700) < weak, at(660, 3300, 14_700) > strong]).toEqual([true, true, true]);
    // the second run starts at 15 s on the clock, not earlier, not later
    expect([at(440, 14_880, 14_960) < weak, at(440, 15_040, 15_120) > strong, at(440, 15_500, 17_500) > strong]).toEqual([true, true, true]);
  }, 30_000);

  test('no usable track: the recording is empty', async () => {
    const none = await makeRecording({ durationMs: 5000, tracks: [] });
    const lost = await makeRecording({ durationMs: 5000, tracks: [{ fixture: null, offsetMs: 0, endMs: 4000 }] });
    for (const { id, dir } of [none, lost]) {
      await finaliseRecordingJob(deps()).run({ recordingId: id }, undefined as never);
      const recording = await recordingRow(id);
      expect(recording.status).toBe('empty');
      expect(recording.duration_ms).toBe(5000);
      expect(existsSync(join(dir, replayFiles.opus))).toBe(false);
    }
  });

  test('ffmpeg missing: a clear error, and after the last attempt the recording is failed', async () => {
    const { id } = await makeRecording(twoSpeakers);
    const broken = finaliseRecordingJob({ ...deps(), ffmpeg: '/nonexistent/ffmpeg' });
    await expect(broken.run({ recordingId: id }, undefined as never)).rejects.toThrow('the program "/nonexistent/ffmpeg" was not found or cannot run (set ffmpegPath)');

    const queue = new JobQueue(db, log, { maxAttempts: 2, backoffMs: 1, pollMs: 50 });
    queue.register('finaliseRecording', broken);
    await queue.start();
    const jobId = await queue.enqueue('finaliseRecording', { recordingId: id });
    const job = () => db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    // The retry is due a millisecond later: drain until the queue has given up.
    for (let i = 0; i < 100 && (await job()).status !== 'failed'; i++) {
      await queue.drain();
      await Bun.sleep(10);
    }
    await queue.stop();
    expect([(await job()).status, (await job()).attempts]).toEqual(['failed', 2]);
    const recording = await recordingRow(id);
    expect(recording.status).toBe('failed');
    expect(recording.error).toContain('the program "/nonexistent/ffmpeg" was not found');
  });
});
