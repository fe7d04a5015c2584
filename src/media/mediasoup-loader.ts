// mediasoup reads MEDIASOUP_WORKER_BIN when its module loads, so it is imported only from here,
// after the worker path is known. Elsewhere, import types only.
import { resolveWorkerBinary } from './worker-binary';

export type Mediasoup = typeof import('mediasoup');

export async function loadMediasoup(dataDir: string): Promise<{ mediasoup: Mediasoup; workerBin: string }> {
  const workerBin = await resolveWorkerBinary(dataDir);
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  const mediasoup = await import('mediasoup');
  return { mediasoup, workerBin };
}
