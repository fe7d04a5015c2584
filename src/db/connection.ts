// Opens the instance database: one SQLite file in the data folder, WAL, foreign keys enforced.
import { Database as BunDatabase } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { bunSqliteDialect } from './bun-sqlite-dialect';
import type { DatabaseSchema } from './schema';

export type Db = Kysely<DatabaseSchema>;

export function databasePath(dataDir: string) {
  return join(dataDir, 'salon.sqlite');
}

export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const raw = new BunDatabase(databasePath(dataDir), { create: true, strict: false });
  raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = NORMAL'); // safe with WAL, much faster than FULL
  raw.exec('PRAGMA foreign_keys = ON');
  raw.exec('PRAGMA busy_timeout = 5000');
  return new Kysely<DatabaseSchema>({ dialect: bunSqliteDialect(raw) });
}

/** Cheap liveness probe for /healthz. */
export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(db);
    return rows[0]?.ok === 1;
  } catch {
    return false;
  }
}
