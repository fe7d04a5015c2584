// `salon cleanup`: purges expired sessions from the database and says how many went (a running
// server also does this every hour; its in-memory rate-limit windows are its own to purge).
import { SessionsService } from '../accounts/sessions.service';
import { purgeExpired } from '../cleanup';
import type { SalonConfig } from '../config/config.schema';
import { openDatabase } from '../db/connection';
import { migrateToLatest } from '../db/migrator';

export async function cleanup(config: SalonConfig): Promise<string> {
  const db = openDatabase(config.dataDir);
  try {
    await migrateToLatest(db);
    const purged = await purgeExpired({ sessions: new SessionsService(db) });
    return `Removed ${purged.sessions} expired session${purged.sessions === 1 ? '' : 's'}.`;
  } finally {
    await db.destroy();
  }
}
