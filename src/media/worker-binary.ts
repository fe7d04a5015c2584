// Finds the mediasoup worker executable before mediasoup's module loads (it reads
// MEDIASOUP_WORKER_BIN at load time). From source, the npm scripts point the env at the built
// worker; the compiled binary carries the worker as an embedded file, extracted once to the data dir.
import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { StartupError } from '../startup-error';

const embeddedWorkerName = 'mediasoup-worker';

export async function resolveWorkerBinary(dataDir: string): Promise<string> {
  const fromEnv = process.env.MEDIASOUP_WORKER_BIN;
  if (fromEnv) {
    try {
      accessSync(fromEnv, constants.X_OK);
    } catch {
      throw new StartupError(`MEDIASOUP_WORKER_BIN=${fromEnv} is not an executable file`);
    }
    return fromEnv;
  }
  const embedded = Bun.embeddedFiles.find((file) => (file as Blob & { name: string }).name.startsWith(embeddedWorkerName));
  if (!embedded) {
    throw new StartupError('No mediasoup worker: run through "npm start", or set MEDIASOUP_WORKER_BIN to the worker executable');
  }
  return extractEmbeddedWorker(embedded, dataDir);
}

async function extractEmbeddedWorker(embedded: Blob, dataDir: string): Promise<string> {
  const dir = join(dataDir, 'runtime');
  // Keyed by content hash: a new binary with another worker never reuses a stale one.
  const hash = Bun.hash(await embedded.arrayBuffer()).toString(16);
  const target = join(dir, `mediasoup-worker-${hash}`);
  if (existsSync(target) && statSync(target).size === embedded.size) return target;
  mkdirSync(dir, { recursive: true });
  const partial = `${target}.${process.pid}.partial`; // rename is atomic: no half-written worker
  await Bun.write(partial, embedded);
  await chmod(partial, 0o755);
  renameSync(partial, target);
  return target;
}
