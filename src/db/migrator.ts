// Applies pending migrations, in a transaction each (Kysely's Migrator), at start and on `salon migrate`.
// A database already migrated by a newer Salon is refused before anything runs (no downgrades).
import { Migrator, sql, type MigrationResult } from 'kysely';
import { StartupError } from '../startup-error';
import type { Db } from './connection';
import { migrations } from './migrations';

export async function migrateToLatest(db: Db): Promise<MigrationResult[]> {
  await refuseNewerDatabase(db);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${(error as Error).message ?? error}`);
  }
  return results;
}

/** Kysely alone would fail with "corrupted migrations"; say what happened and what to do instead. */
async function refuseNewerDatabase(db: Db): Promise<void> {
  const table = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db);
  if (table.rows.length === 0) return; // a new database
  const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  const unknown = applied.rows.map((row) => row.name).filter((name) => !(name in migrations));
  if (unknown.length === 0) return;
  const newest = unknown.at(-1)!;
  const known = Object.keys(migrations).at(-1)!;
  throw new StartupError(
    `This database was upgraded by a newer Salon (migration ${newest}); this binary knows up to ${known}: ` +
      'run the newer version or restore a backup made before the upgrade. Salon does not downgrade a database.',
  );
}
