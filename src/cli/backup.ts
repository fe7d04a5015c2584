// `salon backup FILE`: see src/backup/backup.ts. Safe while the server runs.
import type { SalonConfig } from '../config/config.schema';
import { backupDataDir } from '../backup/backup';
import { BackupError } from '../backup/archive';

export async function backup(config: SalonConfig, positionals: string[], salonVersion: string): Promise<string> {
  const [file, ...rest] = positionals;
  if (!file || rest.length) throw new BackupError('Usage: salon backup FILE.tar.gz [--data-dir DIR]');
  const result = await backupDataDir(config.dataDir, file, salonVersion);
  const mb = (result.bytes / 1024 / 1024).toFixed(1);
  return `Backed up ${config.dataDir} to ${result.file} (${mb} MB: the database and ${result.manifest.folders.join(', ') || 'no other files'}). It holds keys and personal data: keep it private.`;
}
