// Runs Salon as a real child process (source or compiled binary) and reads its log.
import type { Subprocess } from 'bun';

export interface SalonProcess {
  proc: Subprocess<'ignore', 'pipe', 'pipe'>;
  url: string;
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts `command` and waits for its "listening on" log line. */
export async function spawnSalon(command: string[], env: Record<string, string | undefined>, timeoutMs = 20_000): Promise<SalonProcess> {
  const proc = Bun.spawn(command, { env: env as Record<string, string>, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  let log = '';
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) log += decoder.decode(chunk);
  };
  const done = Promise.all([collect(proc.stdout), collect(proc.stderr)]);
  const deadline = Date.now() + timeoutMs;
  let url: string | undefined;
  while (!url) {
    url = log.match(/listening on (http:\/\/\S+)/)?.[1];
    if (!url && (proc.exitCode !== null || Date.now() > deadline)) {
      proc.kill('SIGKILL');
      throw new Error(`Salon did not start (exit ${proc.exitCode}):\n${log}`);
    }
    await Bun.sleep(25);
  }
  return {
    proc,
    url,
    output: () => log,
    async stop(signal = 'SIGTERM') {
      proc.kill(signal);
      const code = await proc.exited;
      await done;
      return code;
    },
  };
}

/** Runs a command to completion and returns its exit code and output. */
export async function runCommand(command: string[], env: Record<string, string | undefined>) {
  const proc = Bun.spawn(command, { env: env as Record<string, string>, stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
