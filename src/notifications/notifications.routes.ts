// The in-app channel: my notifications page, marking read, and the live stream behind the bell
// (Server-Sent Events: the unread count and the newest notification, on connect and on change).
import { Elysia, t } from 'elysia';
import type { AppDeps } from '../app-deps';
import { NotFound } from '../shared/errors';
import { requireViewer } from '../web/guards';
import type { RequestContext } from '../web/request-context';
import { json, page, redirect } from '../web/respond';
import { notificationsPage } from '../../views/notifications.pages';

const pageSize = 50;
/** A comment line now and then keeps proxies and the server's idle timeout from closing the stream. */
const heartbeatMs = 15_000;

const idOf = (raw: string): number => {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new NotFound('No such notification');
  return Number(raw);
};

export function notificationsRoutes(deps: Pick<AppDeps, 'contexts' | 'notifications'>) {
  const service = deps.notifications;

  /** What the bell shows: the unread count and the newest notification, in the viewer's language. */
  const bellState = async (ctx: RequestContext, userId: number) => ({
    unread: await service.unreadCount(userId),
    newest: (await service.newest(userId, ctx.t)) ?? null,
  });

  return new Elysia({ name: 'notifications' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get(
      '/notifications',
      async ({ ctx, query }) => {
        const user = requireViewer(ctx);
        const before = query.before && /^[1-9]\d{0,15}$/.test(query.before) ? Number(query.before) : undefined;
        const items = await service.inbox(user.id, ctx.t, { limit: pageSize + 1, beforeId: before });
        const older = items.length > pageSize ? items[pageSize - 1]!.id : null;
        const shown = items.slice(0, pageSize);
        const unread = await service.unreadCount(user.id);
        if (ctx.wantsJson) return json(ctx, { unread, items: shown, older });
        return page(ctx, notificationsPage(ctx, { items: shown, unread, older }));
      },
      { query: t.Object({ before: t.Optional(t.String({ maxLength: 20 })) }) },
    )
    .get('/notifications/stream', async ({ ctx, request, server }) => {
      const user = requireViewer(ctx);
      // Only EventSource asks for a stream; anything else gets the same state once, as JSON.
      if (!(request.headers.get('accept') ?? '').includes('text/event-stream')) return json(ctx, await bellState(ctx, user.id));
      server?.timeout?.(request, 0); // a stream is idle by nature
      const encoder = new TextEncoder();
      let close = () => {};
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          let closed = false;
          let sending: Promise<void> = Promise.resolve();
          const write = (text: string) => {
            if (!closed) controller.enqueue(encoder.encode(text));
          };
          // Changes are sent one after another, each with the state as it is then.
          const sendState = () => {
            sending = sending.then(async () => write(`data: ${JSON.stringify(await bellState(ctx, user.id))}\n\n`)).catch(() => close());
          };
          const unwatch = service.hub.watch(user.id, sendState);
          const heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
          close = () => {
            if (closed) return;
            closed = true;
            unwatch();
            clearInterval(heartbeat);
            try {
              controller.close();
            } catch {
              // already closed by the client going away
            }
          };
          request.signal.addEventListener('abort', close, { once: true });
          write('retry: 5000\n\n');
          sendState();
        },
        cancel() {
          close();
        },
      });
      return new Response(stream, {
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', ...Object.fromEntries(ctx.setCookies.map((c) => ['set-cookie', c])) },
      });
    })
    .post('/notifications/read', async ({ ctx }) => {
      const user = requireViewer(ctx);
      await service.markRead(user.id, 'all');
      return redirect(ctx, '/notifications');
    })
    .post(
      '/notifications/:id/read',
      async ({ ctx, params, body }) => {
        const user = requireViewer(ctx);
        const id = idOf(params.id);
        await service.markRead(user.id, id); // someone else's notification is not found
        // "Open": read and go where it leads (its own stored link: no open redirect through a form field).
        if (body?.open) {
          const [item] = await service.inbox(user.id, ctx.t, { limit: 1, beforeId: id + 1 });
          return redirect(ctx, item && item.id === id ? item.url : '/notifications');
        }
        return redirect(ctx, '/notifications');
      },
      { body: t.Optional(t.Object({ open: t.Optional(t.String({ maxLength: 5 })) }, { additionalProperties: true })) },
    );
}
