// What a track file really holds, read from its packet times before it goes into the mix
// (demuxing only: about half a second of CPU per hour of track):
// - a file ffmpeg cannot open would fail the whole mix: it is found here and left out;
// - a track cut short by a crash has no end time in the database, and a live WebM has no
//   duration field: its last packet gives the end;
// - a long muted stretch (no packets) splits the track into runs of sound. Each run is mixed as
//   its own input, because ffmpeg's `aresample` fills a gap by buffering the whole gap's silence
//   at once (a 30-minute mute took 840 MB).
import type { Logger } from '../../log';
import { MediaProgramMissing, runMedia } from './media-process';
import { maxRunsPerTrack, packetTimesArgs, splitGapMs, type TrackRun } from './mix-command';

export type TrackProbe =
  | {
      usable: true;
      /** From the first packet to the end of the last. */
      durationMs: number;
      /** The first packet's time in the file (seeking into a run is done in file time). */
      firstPtsMs: number;
      runs: TrackRun[];
    }
  | { usable: false; reason: string };

export interface ProbeOptions {
  ffprobe: string;
  log?: Logger;
}

export async function probeTrack(file: string, options: ProbeOptions): Promise<TrackProbe> {
  const decoder = new TextDecoder();
  const packets = new PacketRuns();
  let pending = '';
  let failure: string | null = null;
  try {
    await runMedia([options.ffprobe, ...packetTimesArgs(file)], {
      step: 'reading a track',
      timeoutMs: 120_000,
      setting: 'ffprobePath',
      log: options.log,
      onStdout: (chunk) => {
        const lines = (pending + decoder.decode(chunk, { stream: true })).split('\n');
        pending = lines.pop()!;
        for (const line of lines) packets.add(line);
      },
    });
  } catch (error) {
    // ffprobe exits non-zero on a file it cannot open; a missing ffprobe is not the track's fault.
    if (error instanceof MediaProgramMissing) throw error;
    failure = (error as Error).message;
  }
  packets.add(pending);
  const durationMs = packets.durationMs();
  // Packets were read: a damaged end is cut off by the decoder too.
  if (durationMs === null) return { usable: false, reason: failure ?? 'no audio packet' };
  return { usable: true, durationMs, firstPtsMs: packets.firstPtsMs(), runs: packets.runs() };
}

/** Packet times (`pts_time,duration_time` lines, in order) → the track's extent and its runs of sound. */
export class PacketRuns {
  private first = Infinity;
  private end = -Infinity;
  /** Silences longer than `splitGapMs`: [end of the sound before, start of the sound after], seconds. */
  private readonly gaps: [number, number][] = [];

  add(line: string) {
    const [pts, duration] = line.split(',');
    const start = Number(pts);
    if (!pts || !Number.isFinite(start)) return; // N/A, or an empty line
    const length = Number(duration);
    if (Number.isFinite(this.first) && (start - this.end) * 1000 > splitGapMs) this.gaps.push([this.end, start]);
    this.first = Math.min(this.first, start);
    this.end = Math.max(this.end, start + (Number.isFinite(length) ? length : 0));
  }

  /** Milliseconds from the first packet to the end of the last, or null without packets. */
  durationMs(): number | null {
    return Number.isFinite(this.first) ? Math.round((this.end - this.first) * 1000) : null;
  }

  firstPtsMs(): number {
    return Number.isFinite(this.first) ? Math.round(this.first * 1000) : 0;
  }

  /**
   * Runs of sound, in ms from the first packet. Only the longest gaps split a track (a speaker who
   * mutes a hundred times should not become a hundred inputs); shorter ones are filled in the mix.
   */
  runs(): TrackRun[] {
    const total = this.durationMs();
    if (total === null) return [];
    const ms = (seconds: number) => Math.round((seconds - this.first) * 1000);
    const splits = [...this.gaps].sort((a, b) => b[1] - b[0] - (a[1] - a[0])).slice(0, maxRunsPerTrack - 1).sort((a, b) => a[0] - b[0]);
    const runs: TrackRun[] = [];
    let startMs = 0;
    for (const [soundEnd, soundStart] of splits) {
      runs.push({ startMs, endMs: ms(soundEnd) });
      startMs = ms(soundStart);
    }
    runs.push({ startMs, endMs: total });
    return runs;
  }
}
