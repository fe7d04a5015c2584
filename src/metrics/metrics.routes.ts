// GET /metrics: the Prometheus text exposition, when the admin turned it on (see metrics-access.ts).
import { Elysia } from 'elysia';
import type { AppDeps } from '../app-deps';
import { metricsAccess } from './metrics-access';

export const metricsRoutes = (deps: Pick<AppDeps, 'config' | 'metrics'>) =>
  new Elysia({ name: 'metrics' }).get('/metrics', async ({ request, server }) => {
    const access = metricsAccess(deps.config, request.headers.get('authorization'), server?.requestIP(request)?.address);
    const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
      new Response(text + '\n', { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers } });
    switch (access) {
      case 'off':
        return plain(404, 'Not found');
      case 'unauthorized':
        return plain(401, 'Metrics need the token set in metricsToken: Authorization: Bearer <token>', { 'www-authenticate': 'Bearer realm="metrics"' });
      case 'notLocal':
        return plain(403, 'Metrics are served only to this machine (metricsAllowLocal)');
      case 'allowed':
        return new Response(await deps.metrics.text(), { headers: { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' } });
    }
  });
