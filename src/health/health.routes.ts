// GET /healthz — JSON for load balancers and monitoring; 503 when a part is down.
// Admins (signed in) also get the detail; everyone else only the verdicts.
import { Elysia } from 'elysia';
import type { AppDeps } from '../app-deps';
import { checkHealth, publicHealth } from './health.service';

export const healthRoutes = (deps: Pick<AppDeps, 'db' | 'pool' | 'contexts'>) =>
  new Elysia({ name: 'health' }).get('/healthz', async ({ set, request, server }) => {
    const report = await checkHealth(deps.db, deps.pool);
    set.status = report.status === 'down' ? 503 : 200;
    set.headers['cache-control'] = 'no-store';
    // With the database down the session cannot be read: answer as to anyone, not with a 500.
    const ctx = await deps.contexts.build(request, server ?? null).catch(() => undefined);
    return ctx?.viewer?.role === 'admin' ? report : publicHealth(report);
  });
