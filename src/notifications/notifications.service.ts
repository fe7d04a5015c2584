// Notifications as people get them. `notify` creates each person's notification once (its dedupe
// key), in batches, honouring their choices per kind and channel and their blocks, and queues one
// delivery per channel target in the outbox (notification_deliveries), which the DeliveryWorker
// sends in the background. The in-app channel is the inbox itself: the bell, the page, live counts.
import type { Db } from '../db/connection';
import type { NotificationRow } from '../db/schema';
import type { Translate } from '../i18n/i18n';
import type { Logger } from '../log';
import { NotFound } from '../shared/errors';
import type { DeliveryWorker } from './delivery-worker';
import {
  defaultLifetimeMs,
  defaultPreferences,
  isNotificationKind,
  notificationChannels,
  notificationKinds,
  type DeliveryChannel,
  type NewNotification,
  type NotificationChannelName,
  type NotificationKind,
  type Notifier,
} from './notification.model';
import type { NotificationHub } from './notification-hub';
import { notificationMessage } from './notification-text';
import {
  activeUserIds,
  blockedEitherWay,
  countUnread,
  findNotification,
  followerIdsPage,
  insertDeliveries,
  insertNotifications,
  listInbox,
  markRead,
  newestInInbox,
  preferencesFor,
  preferencesOf,
  savePreferences,
  type NotificationInsert,
} from './notifications.repository';

/** People per insert: 500 notifications (5 values each) is one quick statement. */
export const notifyBatchSize = 500;

export type PreferenceTable = Record<NotificationKind, Record<NotificationChannelName, boolean>>;

/** A notification as the inbox shows it, in the viewer's language. */
export interface InboxItem {
  id: number;
  kind: NotificationKind;
  text: string;
  url: string;
  createdAt: string;
  read: boolean;
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

export class NotificationsService implements Notifier {
  private readonly channels = new Map<string, DeliveryChannel>();
  private readonly fanOuts = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly deps: { db: Db; log: Logger; worker: DeliveryWorker; hub: NotificationHub },
  ) {}

  get worker(): DeliveryWorker {
    return this.deps.worker;
  }

  get hub(): NotificationHub {
    return this.deps.hub;
  }

  /** A channel besides in-app (web push, email): its deliveries are queued from now on. */
  addChannel(channel: DeliveryChannel): void {
    this.channels.set(channel.name, channel);
    this.deps.worker.addChannel(channel);
  }

  /** Which channels this instance can deliver through (in-app always). */
  channelAvailable(name: NotificationChannelName): boolean {
    if (name === 'inApp') return true;
    const channel = this.channels.get(name);
    return !!channel && (channel.available?.() ?? true);
  }

  async notify(notification: NewNotification): Promise<number> {
    if (!isNotificationKind(notification.kind)) throw new Error(`Unknown notification kind ${String(notification.kind)}`);
    const userIds = [...new Set(notification.userIds)].filter((id) => Number.isInteger(id) && id !== notification.actorId);
    let created = 0;
    for (let i = 0; i < userIds.length; i += notifyBatchSize) {
      if (i > 0) await yieldToOthers(); // a big fan-out lets requests and room sockets in between batches
      created += await this.createBatch(notification, userIds.slice(i, i + notifyBatchSize));
    }
    if (created) this.deps.worker.kick();
    return created;
  }

  /**
   * Notifies everyone following `actorId` (minus blocks either way) without making the caller
   * wait: the followers are read and notified in batches in the background (see `settled`).
   */
  notifyFollowers(actorId: number, notification: Omit<NewNotification, 'userIds' | 'actorId'>): void {
    const fanOut = (async () => {
      await yieldToOthers(); // the caller's response goes out first
      let after = 0;
      while (!this.stopping) {
        const followers = await followerIdsPage(this.deps.db, actorId, after, notifyBatchSize);
        if (!followers.length) break;
        await this.notify({ ...notification, userIds: followers, actorId });
        after = followers[followers.length - 1]!;
        await yieldToOthers();
      }
    })().catch((error) => this.deps.log.error('notifying followers failed', { actor: actorId, kind: notification.kind, error }));
    this.fanOuts.add(fanOut);
    void fanOut.finally(() => this.fanOuts.delete(fanOut));
  }

  /** Resolves when every fan-out started so far has queued its notifications. */
  async settled(): Promise<void> {
    while (this.fanOuts.size) await Promise.all([...this.fanOuts]);
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.deps.worker.start();
  }

  /** Fan-outs stop between batches (what they queued stays queued); deliveries in flight finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.settled();
    await this.deps.worker.stop();
  }

  private async createBatch(n: NewNotification, candidates: number[]): Promise<number> {
    const { db } = this.deps;
    const active = await activeUserIds(db, candidates);
    const blocked = n.actorId === undefined ? new Set<number>() : await blockedEitherWay(db, n.actorId, candidates);
    const userIds = candidates.filter((id) => active.has(id) && !blocked.has(id));
    if (!userIds.length) return 0;

    const chosen = await preferencesFor(db, userIds, n.kind);
    const defaults = defaultPreferences[n.kind];
    const wants = (userId: number, channel: NotificationChannelName) => chosen.get(userId)?.get(channel) ?? defaults[channel];
    const targets = new Map<string, Map<number, string[]>>();
    for (const [name, channel] of this.channels) {
      if (!(channel.available?.() ?? true)) continue;
      const asking = userIds.filter((id) => wants(id, name as NotificationChannelName));
      if (asking.length) targets.set(name, await channel.targetsFor(asking));
    }
    const expiresAt = (n.expiresAt ?? new Date(Date.now() + defaultLifetimeMs[n.kind])).toISOString();
    const rows: NotificationInsert[] = [];
    const silent = new Set<number>();
    for (const userId of userIds) {
      const inApp = wants(userId, 'inApp');
      const reached = [...targets.values()].some((byUser) => (byUser.get(userId)?.length ?? 0) > 0);
      if (!inApp && !reached) continue;
      if (!inApp) silent.add(userId);
      const payload = inApp ? n.payload : { ...n.payload, silent: true };
      rows.push({ user_id: userId, kind: n.kind, payload: JSON.stringify(payload), dedupe_key: n.dedupeKey, expires_at: expiresAt });
    }
    const now = new Date().toISOString();
    const created = await db.transaction().execute(async (trx) => {
      const inserted = await insertNotifications(trx, rows);
      const deliveries = [];
      for (const { id, user_id } of inserted) {
        for (const [channel, byUser] of targets) {
          for (const target of byUser.get(user_id) ?? []) deliveries.push({ notification_id: id, channel, target, next_attempt_at: now });
        }
      }
      await insertDeliveries(trx, deliveries);
      return inserted;
    });
    for (const { id, user_id } of created) if (!silent.has(user_id)) this.deps.hub.announce(user_id, { type: 'created', notificationId: id });
    return created.length;
  }

  // The inbox (in-app channel) ------------------------------------------------------------------

  async inbox(userId: number, t: Translate, opts: { limit?: number; beforeId?: number } = {}): Promise<InboxItem[]> {
    const rows = await listInbox(this.deps.db, userId, opts.limit ?? 50, opts.beforeId);
    return rows.map((row) => this.itemOf(row, t));
  }

  unreadCount(userId: number): Promise<number> {
    return countUnread(this.deps.db, userId);
  }

  async newest(userId: number, t: Translate): Promise<InboxItem | undefined> {
    const row = await newestInInbox(this.deps.db, userId);
    return row && this.itemOf(row, t);
  }

  /** Marks one of my notifications read (someone else's is not found), or all of them. */
  async markRead(userId: number, id: number | 'all'): Promise<void> {
    if (id !== 'all' && !(await findNotification(this.deps.db, userId, id))) throw new NotFound('No such notification');
    if (await markRead(this.deps.db, userId, id, new Date().toISOString())) this.deps.hub.announce(userId, { type: 'read' });
  }

  itemOf(row: NotificationRow, t: Translate): InboxItem {
    const payload = JSON.parse(row.payload) as { url?: string; params?: Record<string, string | number> };
    const kind = row.kind as NotificationKind;
    return { id: row.id, kind, text: notificationMessage(t, kind, payload.params ?? {}), url: safeLocalPath(payload.url), createdAt: row.created_at, read: row.read_at !== null };
  }

  // Preferences ---------------------------------------------------------------------------------

  async preferences(userId: number): Promise<PreferenceTable> {
    const table = Object.fromEntries(notificationKinds.map((kind) => [kind, { ...defaultPreferences[kind] }])) as PreferenceTable;
    for (const row of await preferencesOf(this.deps.db, userId)) {
      if (isNotificationKind(row.kind) && (notificationChannels as readonly string[]).includes(row.channel)) {
        table[row.kind][row.channel as NotificationChannelName] = row.enabled === 1;
      }
    }
    return table;
  }

  /** Saves the whole table: what is checked is on, the rest off (kept only where it differs from the default). */
  async savePreferences(userId: number, enabled: ReadonlySet<`${NotificationKind}.${NotificationChannelName}`>): Promise<void> {
    const choices = [];
    for (const kind of notificationKinds) {
      for (const channel of notificationChannels) {
        const on = enabled.has(`${kind}.${channel}`);
        if (on !== defaultPreferences[kind][channel]) choices.push({ kind, channel, enabled: on });
      }
    }
    await savePreferences(this.deps.db, userId, choices);
  }
}

/** Notification links stay on this instance. */
function safeLocalPath(url: unknown): string {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') && !url.includes('\\') ? url : '/notifications';
}
