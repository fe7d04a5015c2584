// Runs one ffmpeg/ffprobe for the post-room jobs. Niced: the live rooms' SFU shares the cores and
// must win. Killed when it runs far longer than it should (a stuck process would hold the job
// queue). Fails with a message a host or an admin can act on: a missing program is named as such,
// otherwise the tail of its stderr. Its CPU time and peak memory go to the debug log.
import { setPriority } from 'node:os';
import type { Logger } from '../../log';

export interface MediaRunOptions {
  /** What this run does, for logs and errors ("mixing", "encoding Opus"...). */
  step: string;
  timeoutMs: number;
  /** Streams stdout as it arrives; without it stdout is ignored. */
  onStdout?: (chunk: Uint8Array) => void;
  /** The setting that names this program, quoted when it is missing. */
  setting?: string;
  log?: Logger;
  /** Aborting kills the process (a sibling process failed). */
  signal?: AbortSignal;
}

export interface MediaRunResult {
  /** The last 32 KB of stderr (ebur128's summary is at its end). */
  stderr: string;
}

const stderrKept = 32 * 1024;
const niceness = 10;

export class MediaProgramMissing extends Error {
  override name = 'MediaProgramMissing';
}

export async function runMedia(command: string[], options: MediaRunOptions): Promise<MediaRunResult> {
  const started = performance.now();
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn(command, { stdin: 'ignore', stdout: options.onStdout ? 'pipe' : 'ignore', stderr: 'pipe' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') {
      const hint = options.setting ? ` (set ${options.setting})` : '';
      throw new MediaProgramMissing(`${options.step} failed: the program "${command[0]}" was not found or cannot run${hint}`);
    }
    throw error;
  }
  try {
    setPriority(proc.pid, niceness);
  } catch {
    // already gone, or not allowed: it runs at normal priority
  }
  let timedOut = false;
  const kill = () => proc.kill('SIGKILL');
  const timer = setTimeout(() => ((timedOut = true), kill()), options.timeoutMs);
  options.signal?.addEventListener('abort', kill, { once: true });
  if (options.signal?.aborted) kill();
  let stderr = '';
  const reading = [
    (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) {
        stderr += decoder.decode(chunk, { stream: true });
        if (stderr.length > 2 * stderrKept) stderr = stderr.slice(-stderrKept);
      }
    })(),
    (async () => {
      if (!options.onStdout) return;
      for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) options.onStdout(chunk);
    })().catch((error) => {
      kill(); // its reader failed: the process would block on a full pipe
      throw error;
    }),
  ];
  try {
    const [code] = await Promise.all([proc.exited, ...reading]);
    stderr = stderr.slice(-stderrKept);
    const usage = proc.resourceUsage();
    options.log?.debug('media process done', {
      step: options.step,
      wallMs: Math.round(performance.now() - started),
      cpuMs: usage ? Math.round(Number(usage.cpuTime.total) / 1000) : undefined,
      maxRssBytes: usage?.maxRSS,
      code,
    });
    if (timedOut) throw new Error(`${options.step} failed: ${command[0]} ran longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped`);
    if (options.signal?.aborted) throw new Error(`${options.step} stopped`);
    if (code !== 0) throw new Error(`${options.step} failed (${command[0]} exit ${code ?? proc.signalCode}): ${lastLines(stderr)}`);
    return { stderr };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', kill);
  }
}

/** The end of a log, short enough for the recording's error column. */
function lastLines(text: string, count = 4): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(-count).join(' / ').slice(-600) || 'no message';
}
