// SQL for the delivery outbox: claim what is due, record how each attempt went, recover after a crash.
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../db/schema';

type Q = Kysely<DatabaseSchema>;

export interface ClaimedDelivery {
  id: number;
  channel: string;
  target: string;
  attempts: number;
  notificationId: number;
  userId: number;
  kind: string;
  payload: string;
  createdAt: string;
  expiresAt: string;
  language: string | null;
}

/** Deliveries a crash left 'sending' go back to 'pending' (start-up, before the worker runs). */
export async function requeueInterruptedDeliveries(db: Q): Promise<number> {
  const result = await db.updateTable('notification_deliveries').set({ status: 'pending' }).where('status', '=', 'sending').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Pending deliveries of notifications past their expiry: never sent. */
export async function expireDeliveries(db: Q, now: string): Promise<number> {
  const result = await db
    .updateTable('notification_deliveries')
    .set({ status: 'expired' })
    .where('status', '=', 'pending')
    .where('notification_id', 'in', (eb) => eb.selectFrom('notifications').select('id').where('expires_at', '<=', now))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Takes up to `limit` due deliveries: marks them 'sending' (one attempt more) in one statement, so
 * two workers, or a worker and a restart, never take the same one. Returns them with their notification.
 */
export async function claimDueDeliveries(db: Q, now: string, limit: number): Promise<ClaimedDelivery[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('notification_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    if (!due.length) return [];
    const ids = due.map((d) => d.id);
    await trx
      .updateTable('notification_deliveries')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .execute();
    return trx
      .selectFrom('notification_deliveries as d')
      .innerJoin('notifications as n', 'n.id', 'd.notification_id')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .select([
        'd.id',
        'd.channel',
        'd.target',
        'd.attempts',
        'n.id as notificationId',
        'n.user_id as userId',
        'n.kind',
        'n.payload',
        'n.created_at as createdAt',
        'n.expires_at as expiresAt',
        'u.language',
      ])
      .where('d.id', 'in', ids)
      .where('d.status', '=', 'sending')
      .execute();
  });
}

export async function markDelivery(
  db: Q,
  id: number,
  change: { status: 'sent' | 'failed' | 'expired' | 'pending'; last_error?: string | null; sent_at?: string; next_attempt_at?: string },
): Promise<void> {
  await db.updateTable('notification_deliveries').set(change).where('id', '=', id).execute();
}

export async function hasDueDelivery(db: Q, now: string): Promise<boolean> {
  const row = await db.selectFrom('notification_deliveries').select('id').where('status', 'in', ['pending', 'sending']).where('next_attempt_at', '<=', now).limit(1).executeTakeFirst();
  return !!row;
}

export async function nextAttemptAt(db: Q): Promise<string | undefined> {
  const row = await db.selectFrom('notification_deliveries').select('next_attempt_at').where('status', '=', 'pending').orderBy('next_attempt_at').limit(1).executeTakeFirst();
  return row?.next_attempt_at;
}
