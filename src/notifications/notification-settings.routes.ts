// My notification settings (kind × channel), my devices for web push (subscribe, unsubscribe, a
// test notification) and the service worker that shows pushed notifications.
import { Elysia, t } from 'elysia';
import type { AppDeps } from '../app-deps';
import { Invalid } from '../shared/errors';
import { requireViewer } from '../web/guards';
import { json, page, redirect } from '../web/respond';
import { notificationSettingsPage } from '../../views/notifications.pages';
import { notificationChannels, notificationKinds, type NotificationChannelName, type NotificationKind } from './notification.model';
import serviceWorkerJs from '../../static/build/sw.js' with { type: 'file' };

const subscriptionBody = t.Object({
  endpoint: t.String({ minLength: 1, maxLength: 2048 }),
  keys: t.Object({ p256dh: t.String({ maxLength: 200 }), auth: t.String({ maxLength: 100 }) }),
  device: t.Optional(t.String({ maxLength: 200 })),
  expirationTime: t.Optional(t.Union([t.Number(), t.Null()])),
});
const unsubscribeBody = t.Object({
  endpoint: t.Optional(t.String({ minLength: 1, maxLength: 2048 })),
  id: t.Optional(t.String({ maxLength: 20 })),
  _csrf: t.Optional(t.String({ maxLength: 200 })),
});

export function notificationSettingsRoutes(deps: Pick<AppDeps, 'contexts' | 'notifications' | 'push'>) {
  const { notifications, push } = deps;

  async function unsubscribe({ ctx, body }: { ctx: Awaited<ReturnType<typeof deps.contexts.build>>; body: typeof unsubscribeBody.static }) {
    const user = requireViewer(ctx);
    if (body.endpoint) await push.unsubscribe(user, { endpoint: body.endpoint });
    else if (body.id && /^[1-9]\d{0,15}$/.test(body.id)) await push.unsubscribe(user, { id: Number(body.id) });
    else throw new Invalid('Say which subscription: endpoint or id', 'endpoint');
    return redirect(ctx, '/settings/notifications');
  }

  return new Elysia({ name: 'notification-settings' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get(
      '/settings/notifications',
      async ({ ctx, query }) => {
        const user = requireViewer(ctx);
        const preferences = await notifications.preferences(user.id);
        const devices = await push.devices(user);
        if (ctx.wantsJson) return json(ctx, { preferences, devices: devices.map((d) => ({ id: d.id, device: d.device, createdAt: d.created_at })), publicKey: push.publicKey });
        const available = Object.fromEntries(notificationChannels.map((c) => [c, notifications.channelAvailable(c)])) as Record<NotificationChannelName, boolean>;
        const tested = query.tested && /^\d{1,3}$/.test(query.tested) ? Number(query.tested) : null;
        return page(ctx, notificationSettingsPage(ctx, { preferences, available, devices, publicKey: push.publicKey, saved: query.saved === '1', tested }));
      },
      { query: t.Object({ saved: t.Optional(t.String({ maxLength: 5 })), tested: t.Optional(t.String({ maxLength: 5 })) }) },
    )
    .post('/settings/notifications', async ({ ctx, body }) => {
      const user = requireViewer(ctx);
      const fields = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
      const enabled = new Set<`${NotificationKind}.${NotificationChannelName}`>();
      for (const kind of notificationKinds) {
        for (const channel of notificationChannels) {
          const value = fields[`${kind}.${channel}`];
          if (value === 'on' || value === '1' || value === true) enabled.add(`${kind}.${channel}`);
        }
      }
      await notifications.savePreferences(user.id, enabled);
      return redirect(ctx, '/settings/notifications?saved=1');
    })
    .post(
      '/push/subscriptions',
      async ({ ctx, body }) => {
        const user = requireViewer(ctx);
        const id = await push.subscribe(user, { endpoint: body.endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth, device: body.device });
        return json(ctx, { ok: true, id }, 201);
      },
      { body: subscriptionBody },
    )
    .post('/push/subscriptions/delete', unsubscribe, { body: unsubscribeBody })
    .delete('/push/subscriptions', unsubscribe, { body: unsubscribeBody })
    .post('/push/test', async ({ ctx }) => {
      const user = requireViewer(ctx);
      const result = await push.sendTest(user);
      if (ctx.wantsJson) return json(ctx, result);
      return redirect(ctx, `/settings/notifications?tested=${result.sent}`);
    })
    .get(
      '/sw.js',
      () =>
        new Response(Bun.file(serviceWorkerJs), {
          headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'service-worker-allowed': '/' },
        }),
    );
}
