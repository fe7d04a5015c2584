// Load generators run in child processes so their CPU is not counted as the server's. The parent
// calls named functions in the child over Bun's IPC channel and awaits the answers.
import { join } from 'node:path';

type Handlers = Record<string, (args: any) => unknown>;

export interface Child {
  call<T = any>(name: string, args?: unknown): Promise<T>;
  pid: number;
  stop(): void;
}

/** Starts `scripts/bench/<file>` with Bun; it must call `serveParent`. */
export async function startChild(file: string): Promise<Child> {
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  let next = 0;
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, file)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
    ipc(message: any) {
      if (message === 'ready') return ready();
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(`${file}: ${message.error}`));
      else waiting?.resolve(message.result);
    },
  });
  void proc.exited.then((code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`${file} exited (${code})`));
    pending.clear();
  });
  await started;
  return {
    pid: proc.pid,
    call(name, args) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        proc.send({ id, name, args });
      });
    },
    stop: () => proc.kill(),
  };
}

/** The child side: answers the parent's calls; exits when the parent goes away. */
export function serveParent(handlers: Handlers) {
  process.on('message', async (message: any) => {
    try {
      const handler = handlers[message.name];
      if (!handler) throw new Error(`no handler "${message.name}"`);
      process.send!({ id: message.id, result: await handler(message.args) });
    } catch (error) {
      process.send!({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!('ready');
}
