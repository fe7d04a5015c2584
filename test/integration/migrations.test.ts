import { afterEach, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { databasePath, openDatabase, type Db } from '../../src/db/connection';
import { migrateToLatest } from '../../src/db/migrator';
import { migrations } from '../../src/db/migrations';
import { tempDir } from '../support/salon';

let db: Db | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = dir = undefined;
});

test('migrations apply on a fresh database file, then re-run as a no-op', async () => {
  dir = tempDir();
  db = openDatabase(dir);
  const first = await migrateToLatest(db);
  expect(first.map((r) => r.migrationName)).toEqual(Object.keys(migrations));
  expect(first.every((r) => r.status === 'Success')).toBe(true);

  await db.insertInto('settings').values({ key: 'instanceName', value: '"Agora"' }).execute();
  expect(await migrateToLatest(db)).toEqual([]);
  await db.destroy();

  // A restart (new connection on the same file) keeps data and applies nothing.
  db = openDatabase(dir);
  expect(await migrateToLatest(db)).toEqual([]);
  const row = await db.selectFrom('settings').selectAll().where('key', '=', 'instanceName').executeTakeFirst();
  expect(row?.value).toBe('"Agora"');
  expect(row?.updated_at).toMatch(/^\d{4}-\d\d-\d\dT/);
});

test('the connection uses WAL, enforces foreign keys and waits on locks', async () => {
  dir = tempDir();
  db = openDatabase(dir);
  const pragma = async (name: string) => (await sql.raw(`PRAGMA ${name}`).execute(db!)).rows[0] as Record<string, unknown>;
  expect(Object.values(await pragma('journal_mode'))[0]).toBe('wal');
  expect(Object.values(await pragma('foreign_keys'))[0]).toBe(1);
  expect(Object.values(await pragma('busy_timeout'))[0]).toBe(5000);

  await sql`create table parent (id integer primary key)`.execute(db);
  await sql`create table child (parent_id integer references parent(id))`.execute(db);
  await expect(sql`insert into child values (42)`.execute(db)).rejects.toThrow(/FOREIGN KEY/);
});

test('the database is a plain SQLite file in the data folder', async () => {
  dir = tempDir();
  db = openDatabase(dir);
  await migrateToLatest(db);
  const raw = new Database(databasePath(dir), { readonly: true });
  const tables = raw.query("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[];
  raw.close();
  expect(tables.map((t) => t.name)).toContain('settings');
  expect(tables.map((t) => t.name)).toContain('kysely_migration');
});
