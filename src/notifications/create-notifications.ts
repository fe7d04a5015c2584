// Builds the notifications feature at start-up: the inbox and outbox service, its delivery worker,
// the web push channel (VAPID keys made at first start), and the event sources wired to it
// (a new follower here; going live and replays ready are given `notifications` in services.ts).
import type { SalonConfig } from '../config/config.schema';
import type { Db } from '../db/connection';
import type { Recording } from '../db/schema';
import type { Logger } from '../log';
import type { SettingsService } from '../settings/settings.service';
import type { RateLimiter } from '../shared/rate-limiter';
import type { SocialService } from '../social/social.service';
import { DeliveryWorker } from './delivery-worker';
import { NotificationHub } from './notification-hub';
import { NotificationsService } from './notifications.service';
import { PushService } from './push/push.service';
import { loadVapidKeys } from './push/vapid';

export async function createNotifications(deps: { config: SalonConfig; db: Db; log: Logger; settings: SettingsService; limiter: RateLimiter; social: SocialService }) {
  const { config, db, log, settings } = deps;
  const worker = new DeliveryWorker({ db, log, defaultLanguage: () => settings.get().defaultLanguage });
  const notifications = Object.assign(new NotificationsService({ db, log, worker, hub: new NotificationHub() }), {
    /** The finalise job's hook: the host hears their replay is ready (once per recording). */
    replayReady: (recording: Recording) =>
      notifications.notify({
        userIds: [recording.host_id],
        kind: 'replayReady',
        dedupeKey: `replayReady:${recording.id}`,
        payload: { url: `/r/${recording.room_id}`, params: { title: recording.title } },
      }),
  });
  const push = new PushService({ db, log, keys: await loadVapidKeys(db), config, settings, limiter: deps.limiter });
  notifications.addChannel(push);
  deps.social.notifier = notifications;
  return { notifications, push };
}
