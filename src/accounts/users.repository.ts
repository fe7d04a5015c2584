// SQL for the users table. Functions take the db handle (or a transaction) first.
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema, User } from '../db/schema';

type Q = Kysely<DatabaseSchema>;

export const findUserById = (db: Q, id: number) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

/** Many users by id in one query, keyed by id (ids not found are absent). */
export async function findUsersByIds(db: Q, ids: readonly number[]): Promise<Map<number, User>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('users').selectAll().where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((u) => [u.id, u]));
}

export const findUserByHandle = (db: Q, handle: string) =>
  db.selectFrom('users').selectAll().where('handle', '=', handle).executeTakeFirst();

export const findUserByLogin = (db: Q, login: string) =>
  db.selectFrom('users').selectAll().where((eb) => eb.or([eb('handle', '=', login), eb('email', '=', login)])).executeTakeFirst();

export async function countUsers(db: Q): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function handleOrEmailTaken(db: Q, handle: string, email: string) {
  const rows = await db.selectFrom('users').select(['handle', 'email']).where((eb) => eb.or([eb('handle', '=', handle), eb('email', '=', email)])).execute();
  return { handle: rows.some((r) => r.handle === handle), email: rows.some((r) => r.email === email) };
}

export async function insertUser(
  db: Q,
  values: Pick<User, 'handle' | 'email' | 'password_hash' | 'display_name'> & Partial<Pick<User, 'role' | 'invited_by' | 'invite_code'>>,
): Promise<User> {
  return db.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow();
}

export const updateUser = (db: Q, id: number, values: Partial<Omit<User, 'id' | 'created_at'>>) =>
  db.updateTable('users').set(values).where('id', '=', id).execute();

/** Admin search by handle, display name or email; newest first. */
export function searchUsers(db: Q, query: string, limit: number, offset: number) {
  let q = db.selectFrom('users').selectAll();
  const term = query.trim().toLowerCase();
  if (term) {
    const like = `%${term.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('handle', 'like', sql<string>`${like} escape '\\'`),
        eb('email', 'like', sql<string>`${like} escape '\\'`),
        eb(sql`lower(display_name)`, 'like', sql<string>`${like} escape '\\'`),
      ]),
    );
  }
  return q.orderBy('id', 'desc').limit(limit).offset(offset).execute();
}
