// `salon restore FILE`: see src/backup/restore.ts. Into an empty data folder only.
import type { SalonConfig } from '../config/config.schema';
import { restoreDataDir } from '../backup/restore';
import { BackupError } from '../backup/archive';

export async function restore(config: SalonConfig, positionals: string[]): Promise<string> {
  const [file, ...rest] = positionals;
  if (!file || rest.length) throw new BackupError('Usage: salon restore FILE.tar.gz --data-dir EMPTY_DIR');
  const result = await restoreDataDir(file, config.dataDir);
  return `Restored the backup of ${result.manifest.createdAt} (Salon ${result.manifest.salonVersion}) into ${result.dataDir}: database checked (integrity ok, ${result.users} accounts). Start Salon with --data-dir ${result.dataDir}.`;
}
