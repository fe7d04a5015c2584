// SQL for web push subscriptions (one per browser/device; the endpoint is unique).
import type { Kysely } from 'kysely';
import type { DatabaseSchema, PushSubscription } from '../../db/schema';

type Q = Kysely<DatabaseSchema>;

/** Registers a device; the same endpoint registered again (another account on that browser) moves to this person. */
export async function upsertSubscription(db: Q, row: { user_id: number; endpoint: string; p256dh: string; auth: string; device: string }): Promise<number> {
  const saved = await db
    .insertInto('push_subscriptions')
    .values(row)
    .onConflict((oc) => oc.column('endpoint').doUpdateSet({ user_id: row.user_id, p256dh: row.p256dh, auth: row.auth, device: row.device }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return saved.id;
}

export function subscriptionsOf(db: Q, userId: number): Promise<PushSubscription[]> {
  return db.selectFrom('push_subscriptions').selectAll().where('user_id', '=', userId).orderBy('id').execute();
}

export async function countSubscriptionsOf(db: Q, userId: number): Promise<number> {
  const row = await db.selectFrom('push_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findSubscription(db: Q, id: number): Promise<PushSubscription | undefined> {
  return db.selectFrom('push_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Subscription ids per person. */
export async function subscriptionIdsOf(db: Q, userIds: readonly number[]): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>();
  if (!userIds.length) return found;
  const rows = await db.selectFrom('push_subscriptions').select(['id', 'user_id']).where('user_id', 'in', [...userIds]).execute();
  for (const row of rows) {
    const list = found.get(row.user_id);
    if (list) list.push(String(row.id));
    else found.set(row.user_id, [String(row.id)]);
  }
  return found;
}

export async function deleteSubscription(db: Q, where: { id: number } | { userId: number; endpoint: string } | { userId: number; id: number }): Promise<number> {
  let query = db.deleteFrom('push_subscriptions');
  if ('endpoint' in where) query = query.where('user_id', '=', where.userId).where('endpoint', '=', where.endpoint);
  else if ('userId' in where) query = query.where('user_id', '=', where.userId).where('id', '=', where.id);
  else query = query.where('id', '=', where.id);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function markSubscriptionUsed(db: Q, id: number, at: string): Promise<void> {
  await db.updateTable('push_subscriptions').set({ last_success_at: at }).where('id', '=', id).execute();
}
