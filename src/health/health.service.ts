// Instance health: the database answers and media workers are up.
import { pingDatabase, type Db } from '../db/connection';
import type { MediaWorkerPool } from '../media/worker-pool';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  db: { ok: boolean };
  media: ReturnType<MediaWorkerPool['status']>;
}

/** `down` (HTTP 503) when the database or every media worker is down; `degraded` when some worker is restarting. */
export async function checkHealth(db: Db, pool: MediaWorkerPool): Promise<HealthReport> {
  const dbOk = await pingDatabase(db);
  const media = pool.status();
  const status = !dbOk || media.live === 0 ? 'down' : media.live < media.size ? 'degraded' : 'ok';
  return { status, db: { ok: dbOk }, media };
}
