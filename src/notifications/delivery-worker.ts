// Works through the delivery outbox (notification_deliveries): takes due deliveries in batches,
// hands each to its channel a few at a time, and records the outcome. A failed attempt is retried
// with exponential backoff (or after the push service's Retry-After) until the notification expires
// or the attempts run out. Crash safety: a delivery is marked 'sending' before it goes out and
// 'sent' right after; deliveries a crash left 'sending' go back to 'pending' at start, and a normal
// stop waits for the ones in flight. The unique (notification, channel, target) key means a
// notification can never be queued twice for the same place.
import type { Db } from '../db/connection';
import type { Logger } from '../log';
import { PollingLoop } from '../shared/polling-loop';
import { claimDueDeliveries, expireDeliveries, hasDueDelivery, markDelivery, requeueInterruptedDeliveries, type ClaimedDelivery } from './deliveries.repository';
import { DeliveryDeferred, type DeliverableNotification, type DeliveryChannel, type NotificationKind } from './notification.model';

export interface DeliveryPolicy {
  /** First retry delay; doubles with each attempt, capped at an hour. */
  retryBaseMs: number;
  maxAttempts: number;
  /** Deliveries taken per batch, and how many of them are in flight at once. */
  batchSize: number;
  concurrency: number;
  /** How often the table is looked at when nothing kicked the worker. */
  pollMs: number;
}

/** Expired deliveries are swept this often (the sweep reads the notifications table); a claimed one past its expiry is checked anyway. */
const expiryCheckMs = 5000;

export const defaultDeliveryPolicy: DeliveryPolicy = { retryBaseMs: 30_000, maxAttempts: 8, batchSize: 100, concurrency: 16, pollMs: 1000 };

export class DeliveryWorker {
  readonly policy: DeliveryPolicy;
  private readonly channels = new Map<string, DeliveryChannel>();
  private readonly loop: PollingLoop;
  /** Sent, gone, failed, retried and expired since start (logs and the benchmark). */
  readonly counts = { sent: 0, gone: 0, failed: 0, retried: 0, expired: 0 };
  private lastExpiry = 0;

  constructor(
    private readonly deps: { db: Db; log: Logger; defaultLanguage: () => string },
    policy: Partial<DeliveryPolicy> = {},
  ) {
    this.policy = { ...defaultDeliveryPolicy, ...policy };
    this.loop = new PollingLoop(() => this.runBatch(), {
      intervalMs: this.policy.pollMs,
      onError: (error) => this.deps.log.error('the notification outbox could not be read', { error }),
      yieldBetweenSteps: true,
    });
  }

  addChannel(channel: DeliveryChannel): void {
    this.channels.set(channel.name, channel);
  }

  async start(): Promise<void> {
    const requeued = await requeueInterruptedDeliveries(this.deps.db);
    if (requeued) this.deps.log.warn('notification deliveries interrupted by the previous run are sent again', { count: requeued });
    this.loop.start();
  }

  /** Takes no new delivery; waits for those in flight to be sent and recorded. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Look at the outbox now (something was just queued). */
  kick(): void {
    this.loop.kick();
  }

  /** Resolves when nothing is due any more (tests, the benchmark). */
  drain(): Promise<void> {
    return this.loop.drain(() => hasDueDelivery(this.deps.db, new Date().toISOString()));
  }

  /** One batch; false when nothing was due. */
  private async runBatch(): Promise<boolean> {
    const now = new Date().toISOString();
    if (Date.now() - this.lastExpiry >= expiryCheckMs) {
      this.lastExpiry = Date.now();
      this.counts.expired += await expireDeliveries(this.deps.db, now);
    }
    const batch = await claimDueDeliveries(this.deps.db, now, this.policy.batchSize);
    if (!batch.length) return false;
    let next = 0;
    const lane = async () => {
      while (next < batch.length) await this.deliverOne(batch[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.policy.concurrency, batch.length) }, lane));
    return true;
  }

  private async deliverOne(delivery: ClaimedDelivery): Promise<void> {
    const { db, log } = this.deps;
    const channel = this.channels.get(delivery.channel);
    if (delivery.expiresAt <= new Date().toISOString()) {
      this.counts.expired++;
      return markDelivery(db, delivery.id, { status: 'expired' });
    }
    try {
      if (!channel) throw new Error(`no ${delivery.channel} channel on this instance`);
      const outcome = await channel.deliver(this.deliverable(delivery), delivery.target);
      if (outcome === 'gone') {
        this.counts.gone++;
        await markDelivery(db, delivery.id, { status: 'failed', last_error: 'gone: the target no longer exists' });
      } else {
        this.counts.sent++;
        await markDelivery(db, delivery.id, { status: 'sent', sent_at: new Date().toISOString(), last_error: null });
      }
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      const backoff = Math.min(this.policy.retryBaseMs * 2 ** (delivery.attempts - 1), 3_600_000);
      const delay = error instanceof DeliveryDeferred ? Math.max(error.retryAfterMs, backoff) : backoff;
      const retryAt = new Date(Date.now() + delay).toISOString();
      if (delivery.attempts >= this.policy.maxAttempts || retryAt >= delivery.expiresAt) {
        this.counts.failed++;
        log.warn('a notification could not be delivered: given up', { delivery: delivery.id, channel: delivery.channel, attempts: delivery.attempts, error: message });
        await markDelivery(db, delivery.id, { status: retryAt >= delivery.expiresAt ? 'expired' : 'failed', last_error: message });
      } else {
        this.counts.retried++;
        log.info('a notification delivery failed; will retry', { delivery: delivery.id, channel: delivery.channel, attempt: delivery.attempts, retryInMs: delay, error: message });
        await markDelivery(db, delivery.id, { status: 'pending', last_error: message, next_attempt_at: retryAt });
      }
    }
  }

  private deliverable(d: ClaimedDelivery): DeliverableNotification {
    const language = d.language ?? this.deps.defaultLanguage();
    return {
      id: d.notificationId,
      userId: d.userId,
      kind: d.kind as NotificationKind,
      payload: JSON.parse(d.payload),
      createdAt: d.createdAt,
      expiresAt: d.expiresAt,
      language: language === 'fr' ? 'fr' : 'en',
    };
  }
}
