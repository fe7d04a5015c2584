// Instance health: the database answers and media workers are up. Everyone gets the verdict per
// part; only admins get the detail (process ids, restarts, version), which helps an attacker
// fingerprint or target the host and tells a load balancer nothing it needs.
import { pingDatabase, type Db } from '../db/connection';
import type { MediaWorkerPool } from '../media/worker-pool';
import packageJson from '../../package.json';

export type Health = 'ok' | 'degraded' | 'down';

export interface HealthReport {
  status: Health;
  db: Health;
  media: Health;
}

export interface HealthDetail extends HealthReport {
  detail: {
    db: { ok: boolean };
    media: ReturnType<MediaWorkerPool['status']>;
    server: { pid: number; version: string; mode: string; uptimeSeconds: number };
  };
}

/** `down` (HTTP 503) when the database or every media worker is down; `degraded` when some worker is restarting. */
export async function checkHealth(db: Db, pool: MediaWorkerPool): Promise<HealthDetail> {
  const dbOk = await pingDatabase(db);
  const workers = pool.status();
  const media: Health = workers.live === 0 ? 'down' : workers.live < workers.size ? 'degraded' : 'ok';
  const status: Health = !dbOk ? 'down' : media;
  return {
    status,
    db: dbOk ? 'ok' : 'down',
    media,
    detail: {
      db: { ok: dbOk },
      media: workers,
      server: { pid: process.pid, version: packageJson.version, mode: process.env.NODE_ENV ?? 'development', uptimeSeconds: Math.round(process.uptime()) },
    },
  };
}

/** What anyone may see: the verdicts, no internals. */
export function publicHealth({ status, db, media }: HealthReport): HealthReport {
  return { status, db, media };
}
