// GET /healthz — JSON for load balancers and monitoring; 503 when a part is down.
import { Elysia } from 'elysia';
import type { Db } from '../db/connection';
import type { MediaWorkerPool } from '../media/worker-pool';
import { checkHealth } from './health.service';

export const healthRoutes = (deps: { db: Db; pool: MediaWorkerPool }) =>
  new Elysia({ name: 'health' }).get('/healthz', async ({ set }) => {
    const report = await checkHealth(deps.db, deps.pool);
    set.status = report.status === 'down' ? 503 : 200;
    set.headers['cache-control'] = 'no-store';
    return report;
  });
