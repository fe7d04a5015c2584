// Notifications by email: the notifications outbox's `DeliveryChannel` for email. Each person is
// reached at their account's address while email is set up; the message says what the in-app
// notification says, in their language, with a link to it and to their notification settings.
// Off unless the person turns email on for a kind (the default preferences never send email).
import type { Db } from '../db/connection';
import { translator } from '../i18n/i18n';
import type { DeliverableNotification, DeliveryChannel } from '../notifications/notification.model';
import { notificationMessage } from '../notifications/notification-text';
import { MailError, type Mailer } from './mailer';
import { notificationMail } from './mail-templates';

export class EmailChannel implements DeliveryChannel {
  readonly name = 'email' as const;

  constructor(
    private readonly deps: { db: Db; mailer: Pick<Mailer, 'configured' | 'send' | 'linkOrigin'>; instanceName: () => string },
  ) {}

  available(): boolean {
    return this.deps.mailer.configured;
  }

  /** Each person's account address (suspended accounts are not reached); nobody while email is off. */
  async targetsFor(userIds: readonly number[]): Promise<Map<number, string[]>> {
    const targets = new Map<number, string[]>();
    if (!userIds.length || !this.available()) return targets;
    const rows = await this.deps.db.selectFrom('users').select(['id', 'email']).where('id', 'in', [...userIds]).where('suspended_at', 'is', null).execute();
    for (const row of rows) if (row.email) targets.set(row.id, [row.email]);
    return targets;
  }

  async deliver(notification: DeliverableNotification, target: string): Promise<'sent' | 'gone'> {
    const origin = this.deps.mailer.linkOrigin();
    const content = notificationMail(notification.language, {
      instanceName: this.deps.instanceName(),
      sentence: notificationMessage(translator(notification.language), notification.kind, notification.payload.params),
      link: origin + notification.payload.url,
      settingsLink: `${origin}/settings/notifications`,
    });
    try {
      await this.deps.mailer.send({ to: target, ...content });
      return 'sent';
    } catch (error) {
      // The server refused this address for good (5xx): not retried. Anything else is retried by the outbox.
      if (error instanceof MailError && error.permanent) return 'gone';
      throw error;
    }
  }
}
