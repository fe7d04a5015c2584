// What a backup archive holds, and the tar program that writes and reads it (gzip-compressed tar:
// readable with any tar, no npm dependency). Layout at the archive's root:
//   backup.json      what this is (format, Salon version, when, the database's last migration)
//   salon.sqlite     a consistent snapshot of the database (VACUUM INTO), never the live file
//   avatars/ recordings/ clips/ evidence/ tls/ ...   the data folder's other contents as they are
// Left out: the live database files (salon.sqlite, -wal, -shm, -journal), which the snapshot
// replaces, and runtime/ (the media worker copied out of the binary: made again at start).
import { databasePath } from '../db/connection';
import { basename } from 'node:path';

export const manifestName = 'backup.json';
export const backupFormat = 'salon-backup/1';
export const snapshotName = basename(databasePath('.'));

export interface BackupManifest {
  format: string;
  salonVersion: string;
  createdAt: string;
  lastMigration: string | null;
  /** The data folder's entries archived beside the database. */
  folders: string[];
}

/** Data folder entries never archived: the live database (the snapshot stands for it) and runtime files. */
export function archivedEntry(name: string): boolean {
  if (name === 'runtime' || name === manifestName) return false; // backup.json: left by a restore
  if (name === snapshotName || name.startsWith(`${snapshotName}-`)) return false;
  return !name.startsWith('.salon-backup-'); // another backup's work folder
}

export class BackupError extends Error {}

/** Runs tar; `allowChanged`: exit 1 ("file changed as we read it", a recording still growing) is fine. */
export async function runTar(args: string[], opts: { allowChanged?: boolean } = {}): Promise<string> {
  let proc;
  try {
    proc = Bun.spawn(['tar', ...args], { stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' });
  } catch {
    throw new BackupError('The tar program was not found: install it (apt install tar)');
  }
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code === 0 || (code === 1 && opts.allowChanged)) return stdout;
  throw new BackupError(`tar failed (exit ${code}): ${stderr.trim() || stdout.trim()}`);
}
