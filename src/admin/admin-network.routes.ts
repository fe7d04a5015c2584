// /admin/network: how browsers reach this instance (https or not, the media address and ports, TURN),
// and the connectivity self-test's socket. Admins only, enforced here for every route.
import { Elysia } from 'elysia';
import { adminNetworkPage } from '../../views/admin-network.page';
import type { AppDeps } from '../app-deps';
import { parseClientMessage } from '../realtime/client-messages';
import { mediaMessageTypes, type MediaMessage } from '../realtime/media-signalling';
import type { ServerMessage } from '../rooms/live/protocol';
import { requireAdmin } from '../web/guards';
import { json, page } from '../web/respond';
import { mediaPorts, networkReport } from './network-report';
import { NetworkSelfTest } from './network-self-test';

/** Signalling messages one self-test may send (a full test takes about ten). */
const messagesPerTest = 40;

export function adminNetworkRoutes(deps: Pick<AppDeps, 'config' | 'contexts' | 'log' | 'pool'>) {
  const tests = new Map<string, { test: Promise<NetworkSelfTest | null>; messages: number; queue: Promise<void> }>();

  return new Elysia({ name: 'admin-network' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/admin/network', async ({ ctx }) => {
      requireAdmin(ctx);
      const report = networkReport(deps.config, await mediaPorts(deps.pool));
      if (ctx.wantsJson) return json(ctx, report);
      return page(ctx, adminNetworkPage(ctx, report));
    })
    .ws('/admin/network/self-test', {
      beforeHandle({ ctx, request, set }) {
        const origin = request.headers.get('origin');
        if (origin !== null && origin !== deps.contexts.expectedOrigin(request)) {
          set.status = 403;
          return `Cross-origin WebSocket refused (origin ${origin})`;
        }
        if (!ctx.viewer) {
          set.status = 401;
          return 'Sign in required';
        }
        if (ctx.viewer.role !== 'admin') {
          set.status = 403;
          return 'Admins only';
        }
      },
      open(ws) {
        const viewer = ws.data.ctx.viewer!;
        const push = (message: ServerMessage) => ws.raw.readyState === 1 && void ws.raw.send(JSON.stringify(message));
        const test = NetworkSelfTest.open(deps.pool, deps.config, `selftest:${viewer.id}`, push).catch((error) => {
          deps.log.warn('network self-test could not start', { error });
          push({ type: 'error', code: 'mediaError', message: 'No media worker is available' });
          ws.raw.close(1011, 'No media worker');
          return null;
        });
        tests.set(ws.id, { test, messages: 0, queue: Promise.resolve() });
        void test.then((t) => t && ws.raw.readyState !== 1 && t.close()); // closed while it opened
      },
      message(ws, raw) {
        const entry = tests.get(ws.id);
        if (!entry) return;
        const reply = (message: ServerMessage) => ws.raw.send(JSON.stringify(message));
        if (++entry.messages > messagesPerTest) return ws.raw.close(1008, 'Too many messages');
        const parsed = parseClientMessage(raw);
        if (!parsed.ok) return reply({ type: 'error', code: 'invalidMessage', message: parsed.error, ref: parsed.ref });
        const message = parsed.message;
        if (!mediaMessageTypes.has(message.type)) return reply({ type: 'error', code: 'invalidMessage', message: 'Only media signalling here', ref: message.ref });
        // One at a time, in order, like the room socket.
        entry.queue = entry.queue.then(async () => (await entry.test)?.handle(message as MediaMessage)).catch((error) => deps.log.error('self-test message failed', { error }));
      },
      close(ws) {
        const entry = tests.get(ws.id);
        tests.delete(ws.id);
        void entry?.test.then((t) => t?.close());
      },
    });
}
