// The post-room job: turns a recording's per-speaker tracks into the replay. It reads each track's
// packets (the end of a track a crash cut short, long mutes), mixes the tracks on the recording
// clock within the host's trim, brings the mix to podcast loudness, encodes it for the web player
// (Ogg Opus) and for podcast apps (AAC in MP4) and writes the waveform peaks. It runs again after a
// retry or a trim change: outputs are written under temporary names and renamed into place, so a
// replay being played is never half-written, and leftovers of an interrupted run are cleared first.
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../db/connection';
import type { Recording } from '../../db/schema';
import type { JobHandler } from '../../jobs/job-queue';
import type { Logger } from '../../log';
import { findRecording, findTracks, nowIso, setRecordingStatus, updateTrack } from '../recordings.repository';
import { runMedia } from './media-process';
import { correctedGain, gainFor, limiterActs, limiterCheckArgs, m4aArgs, mixArgs, opusArgs, parseLoudness, peaksSampleRate, resolveSpan, trialStepDb, type MixPlan, type MixTrack } from './mix-command';
import { PeakMeter } from './peaks';
import { probeTrack } from './probe-track';

export interface FinaliseRecordingDeps {
  db: Db;
  log: Logger;
  dataDir: string;
  ffmpeg: string;
  ffprobe: string;
  /** Told once a replay is ready (its host is notified); a failure here does not fail the job. */
  onReady?: (recording: Recording) => Promise<unknown>;
}

export interface FinaliseRecordingPayload {
  recordingId: string;
}

/** The replay's files, in the recording's folder. */
export const replayFiles = { opus: 'replay.opus', m4a: 'replay.m4a', peaks: 'peaks.json' } as const;
const partialSuffix = '.partial';
const mixFile = `mix${partialSuffix}.flac`;

export function finaliseRecordingJob(deps: FinaliseRecordingDeps): JobHandler<FinaliseRecordingPayload> {
  return {
    async run({ recordingId }) {
      const recording = await findRecording(deps.db, recordingId);
      if (!recording) return deps.log.info('recording deleted before it was finalised', { recording: recordingId });
      // Still being written: the room's end queues this job again.
      if (recording.status === 'recording') return deps.log.warn('recording still running: not finalised now', { recording: recordingId });
      const started = performance.now();
      const dir = join(deps.dataDir, 'recordings', recordingId); // RoomRecorders.dirOf
      await clearPartials(dir);
      const { tracks, bytes: trackBytes } = await checkTracks(deps, recording, dir);
      const durationMs = Math.max(recording.duration_ms, ...tracks.map((t) => t.endMs));
      if (!tracks.length) {
        deps.log.info('nothing was recorded: the recording is empty', { recording: recordingId });
        await setRecordingStatus(deps.db, recordingId, 'empty', { duration_ms: durationMs, bytes: trackBytes, processed_at: nowIso(), error: null });
        return;
      }
      const span = resolveSpan(durationMs, recording.trim_start_ms, recording.trim_end_ms);
      if (span.trimIgnored) deps.log.warn('the trim leaves nothing: the whole recording is mixed', { recording: recordingId, trimStartMs: recording.trim_start_ms, trimEndMs: recording.trim_end_ms, durationMs });
      const plan: MixPlan = { tracks, durationMs, span };
      try {
        const mixed = await mixReplay(deps, plan, dir, recording.title);
        if (!(await findRecording(deps.db, recordingId))) {
          // Deleted by its host while it was being mixed: take the files with it.
          await rm(dir, { recursive: true, force: true });
          return;
        }
        await setRecordingStatus(deps.db, recordingId, 'ready', { duration_ms: durationMs, bytes: trackBytes + mixed.bytes, processed_at: nowIso(), error: null });
        await deps.onReady?.(recording).catch((error) => deps.log.error('the replay-ready hook failed', { recording: recordingId, error }));
        deps.log.info('replay ready', {
          recording: recordingId,
          tracks: tracks.length,
          durationMs,
          replayMs: span.endMs - span.startMs,
          loudness: mixed.loudness,
          loudnessLimited: mixed.limited ?? undefined,
          gainDb: Math.round(mixed.gainDb * 10) / 10,
          tookMs: Math.round(performance.now() - started),
        });
      } finally {
        await clearPartials(dir);
      }
    },

    async onGaveUp({ recordingId }, error) {
      await setRecordingStatus(deps.db, recordingId, 'failed', { error: error.slice(0, 2000) });
    },
  };
}

interface CheckedTrack extends MixTrack {
  endMs: number;
}

/**
 * The tracks that can be mixed. Each one's size is recorded (the host's storage); a track whose
 * end a crash left unknown gets it from its last packet; long mutes split a track into runs.
 * Missing, empty or unreadable files are left out, and said so in the log: a lost track must not
 * cost the others their replay. Files are read two at a time (two cores).
 */
async function checkTracks(deps: FinaliseRecordingDeps, recording: Recording, dir: string): Promise<{ tracks: CheckedTrack[]; bytes: number }> {
  const rows = await findTracks(deps.db, recording.id);
  const inspect = async (row: (typeof rows)[number]) => {
    const size = await stat(join(dir, row.file)).then((s) => s.size, () => null);
    return { size, probe: size ? await probeTrack(join(dir, row.file), { ffprobe: deps.ffprobe, log: deps.log }) : null };
  };
  const inspected = await mapTwoAtATime(rows, inspect);
  const tracks: CheckedTrack[] = [];
  let bytes = 0;
  for (const [i, track] of rows.entries()) {
    const { size, probe } = inspected[i]!;
    const context = { recording: recording.id, track: track.id, file: track.file };
    if (!size || !probe) {
      deps.log.warn(size === null ? 'a track file is missing: left out of the replay' : 'a track file is empty: left out of the replay', context);
      if (track.bytes !== 0) await updateTrack(deps.db, track.id, { bytes: 0 });
      continue;
    }
    bytes += size;
    if (!probe.usable) {
      deps.log.warn('a track file cannot be read: left out of the replay', { ...context, why: probe.reason });
      await updateTrack(deps.db, track.id, { bytes: size });
      continue;
    }
    const endMs = track.end_ms ?? track.offset_ms + probe.durationMs;
    if (track.end_ms === null) deps.log.info('a track cut short by a crash ends at its last packet', { ...context, endMs });
    await updateTrack(deps.db, track.id, { bytes: size, end_ms: endMs });
    tracks.push({ file: join(dir, track.file), offsetMs: track.offset_ms, endMs, runs: probe.runs, firstPtsMs: probe.firstPtsMs });
  }
  return { tracks, bytes };
}

async function mapTwoAtATime<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

/** Both passes; returns the bytes written and what the loudness pass found. */
async function mixReplay(deps: FinaliseRecordingDeps, plan: MixPlan, dir: string, title: string): Promise<{ bytes: number; loudness: number | null; limited: number | null; gainDb: number }> {
  const replayMs = plan.span.endMs - plan.span.startMs;
  // A process running slower than 2x real time is stuck (or the machine is hopelessly overloaded).
  const timeoutMs = 300_000 + replayMs / 2;
  const run = (step: string, args: string[], extra: { onStdout?: (chunk: Uint8Array) => void; signal?: AbortSignal } = {}) =>
    runMedia([deps.ffmpeg, ...args], { step, timeoutMs, setting: 'ffmpegPath', log: deps.log, ...extra });

  const mixPath = join(dir, mixFile);
  const measured = parseLoudness((await run('mixing the tracks', mixArgs(plan, mixPath))).stderr);
  const loudness = measured.integrated;
  if (loudness === null) deps.log.warn('the mix loudness could not be measured: no gain applied', { dir });
  let gainDb = loudness === null ? 0 : gainFor(loudness);
  let limited: number | null = null;
  if (loudness !== null && limiterActs(measured.samplePeak, gainDb)) {
    // The limiter will take some loudness off: measure how much at two gains (side by side, one
    // core each), and aim between them.
    const trial = async (gain: number) => parseLoudness((await run('checking the limiter', limiterCheckArgs(mixPath, gain))).stderr).integrated;
    const [first, second] = await Promise.all([trial(gainDb), trial(gainDb + trialStepDb)]);
    limited = first;
    gainDb = correctedGain(gainDb, first, second);
  }

  const partial = (name: string) => join(dir, name + partialSuffix);
  const meter = new PeakMeter(replayMs, peaksSampleRate);
  // The two encoders in parallel (one core each); if one fails the other is stopped.
  const abort = new AbortController();
  let firstError: unknown;
  const stopOnFailure = <T>(p: Promise<T>) =>
    p.catch((error) => {
      firstError ??= error; // the cause, not the "stopped" of the sibling
      abort.abort();
      throw error;
    });
  await Promise.allSettled([
    stopOnFailure(run('encoding the Opus replay', opusArgs(mixPath, gainDb, partial(replayFiles.opus), title), { onStdout: (chunk) => meter.push(chunk), signal: abort.signal })),
    stopOnFailure(run('encoding the AAC replay', m4aArgs(mixPath, gainDb, partial(replayFiles.m4a), title), { signal: abort.signal })),
  ]);
  if (firstError) throw firstError;
  await writeFile(partial(replayFiles.peaks), JSON.stringify(meter.result()));

  let bytes = 0;
  for (const name of Object.values(replayFiles)) {
    bytes += (await stat(partial(name))).size;
    await rename(partial(name), join(dir, name)); // atomic: a reader sees the old file or the new one
  }
  return { bytes, loudness, limited, gainDb };
}

/** Temporary files of this job (an earlier run may have been killed mid-way). */
async function clearPartials(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => name.includes(partialSuffix)).map((name) => rm(join(dir, name), { force: true })));
}
