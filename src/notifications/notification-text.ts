// What a notification says, in a language: the kind's message (`notification.<kind>` in the
// catalogs) filled with its parameters. The inbox, push and email all say the same thing.
import type { Translate } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages.en';
import type { NotificationKind } from './notification.model';

export function notificationMessage(t: Translate, kind: NotificationKind, params: Record<string, string | number>): string {
  return t(`notification.${kind}` as MessageKey, params);
}
