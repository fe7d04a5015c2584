// Cutting a clip with ffmpeg into a small AAC file (.m4a: every phone and podcast app plays it).
// Live: the speaker tracks that overlap the window on the recording clock, read while they are
// being written, each padded over its timestamp gaps (muted stretches), trimmed, delayed to its
// place and mixed. Replay: a stretch of the finished replay file.
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface TrackSpan {
  /** Absolute path of the track file (live WebM). */
  path: string;
  /** Where its first packet lies on the recording clock. */
  offsetMs: number;
}

const encodeArgs = ['-ac', '1', '-ar', '48000', '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', '-f', 'mp4'];
const cutTimeoutMs = 60_000;

/** Mixes the tracks' audio for [fromMs, toMs) of the recording clock into `out`. */
export async function cutLiveClip(ffmpeg: string, tracks: TrackSpan[], fromMs: number, toMs: number, out: string): Promise<void> {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const inputs = tracks.flatMap((t) => ['-i', t.path]);
  const chains = tracks.map((t, i) => {
    const start = Math.max(0, fromMs - t.offsetMs);
    const delay = Math.max(0, t.offsetMs - fromMs);
    return `[${i}:a]aresample=async=1:first_pts=0,atrim=start=${seconds(start)}:end=${seconds(toMs - t.offsetMs)},asetpts=PTS-STARTPTS,adelay=delays=${delay}:all=1[a${i}]`;
  });
  const mix = `${tracks.map((_, i) => `[a${i}]`).join('')}amix=inputs=${tracks.length}:duration=longest:normalize=0,apad=whole_dur=${seconds(toMs - fromMs)},atrim=end=${seconds(toMs - fromMs)}[out]`;
  await runFfmpeg(ffmpeg, [...inputs, '-filter_complex', [...chains, mix].join(';'), '-map', '[out]', ...encodeArgs], out);
}

/** Re-encodes [fromMs, toMs) of a finished replay file into `out`. */
export async function cutReplayClip(ffmpeg: string, source: string, fromMs: number, toMs: number, out: string): Promise<void> {
  await runFfmpeg(ffmpeg, ['-ss', (fromMs / 1000).toFixed(3), '-t', ((toMs - fromMs) / 1000).toFixed(3), '-i', source, ...encodeArgs], out);
}

/** Writes beside `out` and renames once complete: a half-written clip is never served. */
async function runFfmpeg(ffmpeg: string, args: string[], out: string): Promise<void> {
  const partial = `${out}.part`;
  const proc = Bun.spawn([ffmpeg, '-nostdin', '-hide_banner', '-loglevel', 'error', ...args, '-y', partial], { stdout: 'ignore', stderr: 'pipe' });
  const timer = setTimeout(() => proc.kill('SIGKILL'), cutTimeoutMs);
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr as ReadableStream).text()]);
  clearTimeout(timer);
  if (code !== 0) {
    await rm(partial, { force: true });
    throw new Error(`ffmpeg could not cut the clip (exit ${code}): ${stderr.trim().slice(-500)}`);
  }
  await rename(partial, out);
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path).catch(() => null))?.size ?? 0;
}

export const clipFileName = (id: string) => join('clips', `${id}.m4a`);
