// `salon backup FILE`: a consistent copy of a data folder while the server may be running.
// The database is copied with VACUUM INTO (one read transaction: a snapshot of the moment it
// starts, while the server keeps writing), the media files as they are, into one .tar.gz written
// beside FILE and renamed into place when complete. The archive holds secrets (the database has
// session hashes and instance keys, tls/ the certificate keys): it is created readable by its owner only.
import { Database } from 'bun:sqlite';
import { chmodSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { databasePath } from '../db/connection';
import { archivedEntry, BackupError, backupFormat, manifestName, runTar, snapshotName, type BackupManifest } from './archive';

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
}

export async function backupDataDir(dataDir: string, file: string, salonVersion: string): Promise<BackupResult> {
  const dir = resolve(dataDir);
  const target = resolve(file);
  if (!existsSync(databasePath(dir))) throw new BackupError(`No Salon database in ${dir} (looked for ${databasePath(dir)}): check --data-dir`);
  if (existsSync(target) && statSync(target).isDirectory()) throw new BackupError(`${target} is a folder: give the archive's file name, e.g. ${join(target, 'salon-backup.tar.gz')}`);
  if (!existsSync(dirname(target))) throw new BackupError(`The folder ${dirname(target)} does not exist`);
  const work = mkdtempSync(join(dirname(target), '.salon-backup-'));
  const partial = `${target}.partial`;
  try {
    const lastMigration = snapshotDatabase(databasePath(dir), join(work, snapshotName));
    // The archive itself may be written inside the data folder: never archive it (or its work folder).
    const inside = relative(dir, target);
    const topOfTarget = !inside.startsWith('..') && inside !== '' ? inside.split('/')[0] : undefined;
    const folders = readdirSync(dir).filter((name) => archivedEntry(name) && name !== topOfTarget && name !== `${topOfTarget}.partial`).sort();
    const manifest: BackupManifest = { format: backupFormat, salonVersion, createdAt: new Date().toISOString(), lastMigration, folders };
    writeFileSync(join(work, manifestName), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(partial, '', { mode: 0o600 });
    await runTar(['-czf', partial, '-C', work, manifestName, snapshotName, ...(folders.length ? ['-C', dir, '--warning=no-file-changed', '--', ...folders] : [])], { allowChanged: true });
    chmodSync(partial, 0o600);
    renameSync(partial, target);
    return { file: target, bytes: statSync(target).size, manifest };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

/** VACUUM INTO: a compact, consistent copy made inside one read transaction; returns the last migration applied. */
function snapshotDatabase(source: string, copy: string): string | null {
  // Read-write (never created): a read-only connection to a WAL database cannot always open its index.
  const db = new Database(source, { readwrite: true, create: false });
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(copy);
  } finally {
    db.close();
  }
  const snapshot = new Database(copy, { readonly: true });
  try {
    const check = snapshot.query('PRAGMA integrity_check').get() as { integrity_check: string };
    if (check.integrity_check !== 'ok') throw new BackupError(`The database copy failed its integrity check: ${check.integrity_check}`);
    const hasMigrations = snapshot.query("select name from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    const last = hasMigrations ? (snapshot.query('select name from kysely_migration order by name desc limit 1').get() as { name: string } | null) : null;
    return last?.name ?? null;
  } finally {
    snapshot.close();
  }
}
