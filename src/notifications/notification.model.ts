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

export interface NewNotification {
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
