// The vocabulary of notifications, shared by what creates them (rooms, schedules, social,
// recordings, moderation) and what delivers them (in-app, web push, email).

export const notificationKinds = [
  'hostLive', // someone you follow went live
  'roomStarting', // a room you set a reminder for starts
  'roomStartingSoon', // your own scheduled room starts in 15 minutes (for the host)
  'roomRescheduled', // a room you set a reminder for has a new time
  'roomCancelled', // a room you set a reminder for was cancelled
  'scheduledInvite', // invited to speak or co-host in a scheduled room
  'newFollower',
  'replayReady',
  'reportHandled',
  'moderationWarning', // an admin warned you after a report
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export const notificationChannels = ['inApp', 'push', 'email'] as const;
export type NotificationChannelName = (typeof notificationChannels)[number];

/** What a notification says: a message key with its parameters, and where it leads. */
export interface NotificationPayload {
  /** Path on this instance, e.g. /r/<id>. */
  url: string;
  /** Parameters of the kind's message (`notification.<kind>` in the catalogs): names, titles, times. */
  params: Record<string, string | number>;
}

export interface NewNotification extends NotificationAbout {
  userIds: number[];
  kind: NotificationKind;
  payload: NotificationPayload;
  /** The event's identity (e.g. `hostLive:<roomId>`): notifying again with the same key does nothing. */
  dedupeKey: string;
  /** Not worth delivering after this (a room that has ended); defaults per kind. */
  expiresAt?: Date;
}

/** What creates notifications depends on this, not on how they are delivered. */
export interface Notifier {
  /** Enqueues in batches and returns at once; delivery happens in the background. Returns how many were created. */
  notify(notification: NewNotification): Promise<number>;
}

/** Who does not hear about whom: the person a notification is about (the host who went live, the new follower). */
export interface NotificationAbout {
  /** Recipients who blocked this person, or whom this person blocked, are left out. */
  actorId?: number;
}

/** What a channel is given to deliver: the stored notification and its recipient's language. */
export interface DeliverableNotification {
  id: number;
  userId: number;
  kind: NotificationKind;
  payload: NotificationPayload;
  createdAt: string;
  expiresAt: string;
  /** The recipient's language (their preference, else the instance default). */
  language: 'en' | 'fr';
}

/**
 * A way out for notifications besides the in-app inbox (web push here; email is added the same way).
 * The outbox keeps one delivery per notification × channel × target and calls `deliver` until it
 * answers: 'sent', 'gone' (the target no longer exists: not retried, the channel cleans it up) or
 * throws (retried with backoff until the notification expires).
 */
export interface DeliveryChannel {
  readonly name: Exclude<NotificationChannelName, 'inApp'>;
  /** Where each person can be reached on this channel (subscription ids, addresses); none = not reached. */
  targetsFor(userIds: readonly number[]): Promise<Map<number, string[]>>;
  deliver(notification: DeliverableNotification, target: string): Promise<'sent' | 'gone'>;
  /** Whether the instance has this channel set up (the settings page says so when not). */
  available?(): boolean;
}

/** An error a channel throws to ask for a retry not before `retryAfterMs` (a push service's Retry-After). */
export class DeliveryDeferred extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** A kind's channels when the person has not chosen: in-app always; push for what is time-bound; email never. */
export const defaultPreferences: Readonly<Record<NotificationKind, Readonly<Record<NotificationChannelName, boolean>>>> = {
  hostLive: { inApp: true, push: true, email: false },
  roomStarting: { inApp: true, push: true, email: false },
  roomStartingSoon: { inApp: true, push: true, email: false },
  roomRescheduled: { inApp: true, push: false, email: false },
  roomCancelled: { inApp: true, push: true, email: false },
  scheduledInvite: { inApp: true, push: true, email: false },
  newFollower: { inApp: true, push: false, email: false },
  replayReady: { inApp: true, push: false, email: false },
  reportHandled: { inApp: true, push: false, email: false },
  moderationWarning: { inApp: true, push: false, email: false },
};

/** How long a kind is worth delivering when the caller does not say (ms). */
export const defaultLifetimeMs: Readonly<Record<NotificationKind, number>> = {
  hostLive: 6 * 3600_000,
  roomStarting: 2 * 3600_000,
  roomStartingSoon: 30 * 60_000,
  roomRescheduled: 7 * 86400_000,
  roomCancelled: 2 * 86400_000,
  scheduledInvite: 7 * 86400_000,
  newFollower: 7 * 86400_000,
  replayReady: 7 * 86400_000,
  reportHandled: 7 * 86400_000,
  moderationWarning: 30 * 86400_000,
};

export const isNotificationKind = (value: unknown): value is NotificationKind => (notificationKinds as readonly unknown[]).includes(value);
