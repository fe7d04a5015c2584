// A Notifier that only writes the in-app inbox rows (idempotent by dedupe key). Used until the
// notifications service (src/notifications/) is wired into the app; schedules depend on the
// `Notifier` interface only.
import type { Db } from '../db/connection';
import type { NewNotification, Notifier } from '../notifications/notification.model';

const lifetimeMs = 2 * 86_400_000;

export function inboxNotifier(db: Db): Notifier {
  return {
    async notify(n: NewNotification) {
      if (!n.userIds.length) return 0;
      const expires_at = (n.expiresAt ?? new Date(Date.now() + lifetimeMs)).toISOString();
      const rows = [...new Set(n.userIds)].map((user_id) => ({ user_id, kind: n.kind, payload: JSON.stringify(n.payload), dedupe_key: n.dedupeKey, expires_at }));
      const result = await db.insertInto('notifications').values(rows).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n);
    },
  };
}
