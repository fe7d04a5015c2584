// Web push: people's devices (subscriptions), and the push channel of the outbox. Payloads are
// JSON {title, body, url}, encrypted per RFC 8291 (aes128gcm) and signed with the instance's VAPID
// key (RFC 8292) by the web-push library; the request itself goes out with fetch (no redirects,
// a timeout, any scheme the endpoint check allowed). A push service answering 404/410 means the
// subscription is gone: it is removed. Other failures are retried by the outbox.
import webpush from 'web-push';
import type { SalonConfig } from '../../config/config.schema';
import type { Db } from '../../db/connection';
import type { PushSubscription, User } from '../../db/schema';
import { translator } from '../../i18n/i18n';
import type { Logger } from '../../log';
import type { SettingsService } from '../../settings/settings.service';
import { AppError, Invalid, NotFound } from '../../shared/errors';
import type { RateLimiter } from '../../shared/rate-limiter';
import { DeliveryDeferred, type DeliverableNotification, type DeliveryChannel } from '../notification.model';
import { notificationMessage } from '../notification-text';
import { checkEndpointAddresses, checkEndpointForm } from './push-endpoint-check';
import {
  countSubscriptionsOf,
  deleteSubscription,
  findSubscription,
  markSubscriptionUsed,
  subscriptionIdsOf,
  subscriptionsOf,
  upsertSubscription,
} from './push-subscriptions.repository';
import type { VapidKeys } from './vapid';

/** Devices one person may register; registering more drops their oldest. */
export const maxDevicesPerPerson = 20;
const requestTimeoutMs = 15_000;
const vapidLifetimeS = 12 * 3600;

export interface PushPayload {
  title: string;
  body: string;
  url: string;
  tag?: string;
}

export interface NewSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  device?: string;
}

const base64url = /^[A-Za-z0-9_-]+={0,2}$/;
const decodedLength = (value: string) => (base64url.test(value) ? Buffer.from(value, 'base64url').length : -1);

export class PushService implements DeliveryChannel {
  readonly name = 'push' as const;
  private readonly vapidHeaders = new Map<string, { authorization: string; until: number }>();

  constructor(
    private readonly deps: {
      db: Db;
      log: Logger;
      keys: VapidKeys;
      config: Pick<SalonConfig, 'publicUrl' | 'pushAllowPrivateEndpoints'>;
      settings: Pick<SettingsService, 'get'>;
      limiter: RateLimiter;
    },
  ) {}

  get publicKey(): string {
    return this.deps.keys.publicKey;
  }

  // Devices -------------------------------------------------------------------------------------

  async subscribe(user: User, input: NewSubscription): Promise<number> {
    checkEndpointForm(input.endpoint, this.deps.config.pushAllowPrivateEndpoints);
    const p256dh = decodedLength(input.p256dh) === 65 && Buffer.from(input.p256dh, 'base64url')[0] === 4;
    if (!p256dh) throw new Invalid('keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)', 'p256dh');
    if (decodedLength(input.auth) !== 16) throw new Invalid('keys.auth must be 16 bytes, base64url', 'auth');
    const device = (input.device ?? '').replace(/\p{Cc}/gu, '').trim().slice(0, 100);
    const id = await upsertSubscription(this.deps.db, { user_id: user.id, endpoint: input.endpoint, p256dh: input.p256dh, auth: input.auth, device });
    const mine = await subscriptionsOf(this.deps.db, user.id);
    for (const old of mine.slice(0, Math.max(0, mine.length - maxDevicesPerPerson))) await deleteSubscription(this.deps.db, { id: old.id });
    return id;
  }

  /** Removes one of my devices, by its endpoint (the browser knows it) or its id (the settings list). */
  async unsubscribe(user: User, which: { endpoint: string } | { id: number }): Promise<void> {
    const removed = await deleteSubscription(this.deps.db, 'endpoint' in which ? { userId: user.id, endpoint: which.endpoint } : { userId: user.id, id: which.id });
    if (!removed) throw new NotFound('No such push subscription');
  }

  devices(user: User): Promise<PushSubscription[]> {
    return subscriptionsOf(this.deps.db, user.id);
  }

  deviceCount(user: User): Promise<number> {
    return countSubscriptionsOf(this.deps.db, user.id);
  }

  /** Sends a test notification to each of my devices now (not through the outbox); how many took it. */
  async sendTest(user: User): Promise<{ sent: number; gone: number; failed: number }> {
    if (!this.deps.limiter.hit(`push-test:${user.id}`, 5, 60_000).allowed) throw new AppError('tooMany', 'Too many test notifications: wait a minute');
    const t = translator(user.language === 'fr' ? 'fr' : user.language === 'en' ? 'en' : this.deps.settings.get().defaultLanguage);
    const payload: PushPayload = { title: this.deps.settings.get().instanceName, body: t('notification.test'), url: '/settings/notifications', tag: 'test' };
    const result = { sent: 0, gone: 0, failed: 0 };
    for (const subscription of await subscriptionsOf(this.deps.db, user.id)) {
      try {
        result[await this.send(subscription, payload, { ttl: 300 })]++;
      } catch (error) {
        result.failed++;
        this.deps.log.info('test push failed', { subscription: subscription.id, error: (error as Error).message });
      }
    }
    return result;
  }

  // The outbox channel ---------------------------------------------------------------------------

  targetsFor(userIds: readonly number[]): Promise<Map<number, string[]>> {
    return subscriptionIdsOf(this.deps.db, userIds);
  }

  async deliver(notification: DeliverableNotification, target: string): Promise<'sent' | 'gone'> {
    const subscription = await findSubscription(this.deps.db, Number(target));
    if (!subscription || subscription.user_id !== notification.userId) return 'gone'; // unsubscribed, or the device changed hands
    const t = translator(notification.language);
    const payload: PushPayload = {
      title: this.deps.settings.get().instanceName,
      body: notificationMessage(t, notification.kind, notification.payload.params),
      url: notification.payload.url,
      tag: `n${notification.id}`,
    };
    const ttl = Math.max(0, Math.floor((Date.parse(notification.expiresAt) - Date.now()) / 1000));
    const urgent = notification.kind === 'hostLive' || notification.kind === 'roomStarting' || notification.kind === 'roomStartingSoon';
    // Topic: should a retry after a crash send it twice, the push service keeps only the latest.
    return this.send(subscription, payload, { ttl, urgency: urgent ? 'high' : 'normal', topic: `n${notification.id}` });
  }

  private async send(subscription: PushSubscription, payload: PushPayload, opts: { ttl: number; urgency?: 'normal' | 'high'; topic?: string }): Promise<'sent' | 'gone'> {
    const allowPrivate = this.deps.config.pushAllowPrivateEndpoints;
    const url = checkEndpointForm(subscription.endpoint, allowPrivate);
    await checkEndpointAddresses(url, allowPrivate);
    const details = webpush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      JSON.stringify(payload),
      // No vapidDetails: the Authorization header is signed once per push service (authorizationFor).
      { TTL: opts.ttl, contentEncoding: 'aes128gcm', urgency: opts.urgency ?? 'normal', topic: opts.topic, vapidDetails: null as unknown as undefined, headers: { Authorization: this.authorizationFor(url) } },
    ) as { endpoint: string; method: string; headers: Record<string, string | number>; body: Buffer };
    const res = await fetch(details.endpoint, {
      method: details.method,
      headers: Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)])),
      body: new Uint8Array(details.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) {
      await markSubscriptionUsed(this.deps.db, subscription.id, new Date().toISOString());
      return 'sent';
    }
    if (res.status === 404 || res.status === 410) {
      await deleteSubscription(this.deps.db, { id: subscription.id });
      this.deps.log.info('a push subscription is gone: removed', { subscription: subscription.id, status: res.status });
      return 'gone';
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    if ((res.status === 429 || res.status === 503) && retryAfter > 0) throw new DeliveryDeferred(`push service answered ${res.status}`, retryAfter * 1000);
    throw new Error(`push service answered ${res.status}`);
  }

  /** The VAPID Authorization header for a push service (signed once per origin, reused for hours). */
  private authorizationFor(endpoint: URL): string {
    const cached = this.vapidHeaders.get(endpoint.origin);
    if (cached && cached.until > Date.now()) return cached.authorization;
    const expiration = Math.floor(Date.now() / 1000) + vapidLifetimeS;
    const { Authorization } = webpush.getVapidHeaders(endpoint.origin, this.subject(), this.deps.keys.publicKey, this.deps.keys.privateKey, 'aes128gcm', expiration) as { Authorization: string };
    this.vapidHeaders.set(endpoint.origin, { authorization: Authorization, until: Date.now() + (vapidLifetimeS / 2) * 1000 });
    return Authorization;
  }

  /** Who push services may contact about this sender (RFC 8292 `sub`): the instance's https URL, else a mailto. */
  private subject(): string {
    const publicUrl = this.deps.config.publicUrl;
    if (publicUrl.startsWith('https://')) return publicUrl;
    const host = publicUrl ? new URL(publicUrl).hostname : 'localhost';
    return `mailto:admin@${host}`;
  }
}
