// Saving a room's buffer with a report: the ring's segments of the last `evidenceSeconds`, every
// speaker's, are placed on the wall clock by their start times and mixed (amix, like the post-room
// mix in src/recording/mix/) into one small Ogg Opus file. Pure command building here, run below.
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../log';
import { runMedia } from '../recording/mix/media-process';
import { sampleRate } from '../recording/mix/mix-command';
import type { EvidenceBuffer, RingSegment } from './evidence-buffer';

const minSegmentBytes = 512;
const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** ffmpeg arguments mixing `segments` into `out`, keeping [from, to] (wall-clock ms). */
export function evidenceMixArgs(segments: Pick<RingSegment, 'file' | 'startAt'>[], from: number, to: number, out: string): string[] {
  if (!segments.length) throw new Error('no segment to mix');
  const origin = Math.min(...segments.map((s) => s.startAt));
  const chains = segments.map((s, i) =>
    [
      `[${i}:a]asetpts=PTS-STARTPTS`,
      'aresample=async=1:min_hard_comp=0.015:first_pts=0', // a muted stretch is silence, not time lost
      `aformat=sample_fmts=fltp:sample_rates=${sampleRate}:channel_layouts=mono`,
      `adelay=${Math.round(s.startAt - origin)}:all=1[t${i}]`,
    ].join(','),
  );
  const labels = segments.map((_, i) => `[t${i}]`).join('');
  const mix = `${labels}amix=inputs=${segments.length}:normalize=0:dropout_transition=0,atrim=start=${seconds(from - origin)}:end=${seconds(to - origin)},asetpts=PTS-STARTPTS[out]`;
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error',
    ...segments.flatMap((s) => ['-i', s.file]),
    '-filter_complex', [...chains, mix].join(';'),
    '-map', '[out]', '-c:a', 'libopus', '-b:a', '32k', '-ac', '1', '-f', 'ogg', '-y', out,
  ];
}

/** Mixes the buffer's last `windowMs` into `out`; false when it held no audio. Segments stay on disk meanwhile. */
export async function captureEvidence(buffer: EvidenceBuffer, opts: { windowMs: number; now: number; out: string; ffmpeg: string; log: Logger }): Promise<boolean> {
  const release = buffer.hold();
  try {
    const from = opts.now - opts.windowMs;
    // A segment opened a moment ago may not have its header yet: left out (it holds next to nothing).
    const listed = await buffer.segmentsSince(from);
    const sizes = await Promise.all(listed.map((s) => stat(s.file).then((info) => info.size, () => 0)));
    const segments = listed.filter((_, i) => sizes[i]! >= minSegmentBytes);
    if (!segments.length) return false;
    await mkdir(dirname(opts.out), { recursive: true });
    const partial = `${opts.out}.partial`;
    try {
      await runMedia([opts.ffmpeg, ...evidenceMixArgs(segments, from, opts.now, partial)], { step: 'saving report evidence', timeoutMs: 120_000, setting: 'ffmpegPath', log: opts.log });
      await rename(partial, opts.out);
    } finally {
      await rm(partial, { force: true });
    }
    return true;
  } finally {
    release();
  }
}
