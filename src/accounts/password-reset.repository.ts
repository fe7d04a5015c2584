// SQL for password reset tokens. Only the token's sha256 is stored: reading the database gives
// nobody a working link.
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../db/schema';

type Q = Kysely<DatabaseSchema>;

export const tokenHashOf = (token: string) => new Bun.CryptoHasher('sha256').update(token).digest('hex');

/** Stores a new token for the user and removes their older ones (one working link at a time). */
export async function replaceResetToken(db: Q, userId: number, tokenHash: string, expiresAt: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('password_resets').where('user_id', '=', userId).execute();
    await trx.insertInto('password_resets').values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt.toISOString() }).execute();
  });
}

/** The user a token still works for: not used, not expired. */
export function findUsableReset(db: Q, tokenHash: string, now: Date) {
  return db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .selectAll('users')
    .where('password_resets.token_hash', '=', tokenHash)
    .where('password_resets.used_at', 'is', null)
    .where('password_resets.expires_at', '>', now.toISOString())
    .executeTakeFirst();
}

/** Marks the token used (only if it still was usable); true when this call used it. */
export async function useResetToken(db: Q, tokenHash: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: now.toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes the user's other tokens (a link used ends every other link). */
export const deleteOtherResets = (db: Q, userId: number, keepHash: string) =>
  db.deleteFrom('password_resets').where('user_id', '=', userId).where('token_hash', '!=', keepHash).execute();

/** Removes tokens past their expiry or used more than a day ago; returns how many. */
export async function deleteStaleResets(db: Q, now: Date): Promise<number> {
  const dayAgo = new Date(now.getTime() - 24 * 3600_000).toISOString();
  const result = await db
    .deleteFrom('password_resets')
    .where((eb) => eb.or([eb('expires_at', '<', now.toISOString()), eb('used_at', '<', dayAgo)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
