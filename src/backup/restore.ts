// `salon restore FILE`: unpacks a backup into an EMPTY data folder (a new or empty one; a folder with
// anything in it is refused, so nothing is ever overwritten), then checks the restored database.
// The server's next start applies any newer migrations, as after an upgrade.
import { Database } from 'bun:sqlite';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BackupError, backupFormat, manifestName, runTar, snapshotName, type BackupManifest } from './archive';

export interface RestoreResult {
  dataDir: string;
  manifest: BackupManifest;
  users: number;
}

export async function restoreDataDir(file: string, dataDir: string): Promise<RestoreResult> {
  const archive = resolve(file);
  const dir = resolve(dataDir);
  if (!existsSync(archive) || !statSync(archive).isFile()) throw new BackupError(`No backup file at ${archive}`);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new BackupError(`${dir} is a file, not a folder`);
    const entries = readdirSync(dir);
    if (entries.length) {
      const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', ...' : '');
      throw new BackupError(`The data folder ${dir} is not empty (${shown}). Restore only into a new or empty folder: nothing is overwritten. Choose another --data-dir, or move this folder away first.`);
    }
  }
  const listing = (await runTar(['-tzf', archive]).catch((error) => {
    throw new BackupError(`${archive} is not a Salon backup (a .tar.gz made by "salon backup"): ${(error as Error).message}`);
  }))
    .split('\n')
    .filter(Boolean);
  if (!listing.includes(manifestName) || !listing.includes(snapshotName)) throw new BackupError(`${archive} is not a Salon backup: ${manifestName} or ${snapshotName} is missing`);
  const unsafe = listing.find((path) => path.startsWith('/') || path.split('/').includes('..'));
  if (unsafe) throw new BackupError(`${archive} holds a path outside its folder (${unsafe}): refused`);

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await runTar(['-xzf', archive, '-C', dir, '--no-same-owner']);
  const manifest = JSON.parse(await Bun.file(join(dir, manifestName)).text()) as BackupManifest;
  if (manifest.format !== backupFormat) throw new BackupError(`Unknown backup format ${manifest.format} (this Salon reads ${backupFormat})`);
  const db = new Database(join(dir, snapshotName), { readonly: true });
  try {
    const check = db.query('PRAGMA integrity_check').get() as { integrity_check: string };
    if (check.integrity_check !== 'ok') throw new BackupError(`The restored database failed its integrity check: ${check.integrity_check}`);
    const users = (db.query('select count(*) as n from users').get() as { n: number }).n;
    return { dataDir: dir, manifest, users };
  } finally {
    db.close();
  }
}
