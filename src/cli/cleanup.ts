// `salon cleanup`: purges expired sessions and replays past the retention setting, and says how many went
// (a running server also does this every hour; its in-memory rate-limit windows are its own to purge).
import { SessionsService } from '../accounts/sessions.service';
import { purgeExpired } from '../cleanup';
import type { SalonConfig } from '../config/config.schema';
import { openDatabase } from '../db/connection';
import { migrateToLatest } from '../db/migrator';
import { SettingsService } from '../settings/settings.service';

export async function cleanup(config: SalonConfig): Promise<string> {
  const db = openDatabase(config.dataDir);
  try {
    await migrateToLatest(db);
    const settings = new SettingsService(db);
    await settings.load();
    const purged = await purgeExpired({ sessions: new SessionsService(db), retention: { db, settings, config } });
    const days = settings.get().replayRetentionDays;
    const replays = days ? `\nRemoved ${purged.replays} replay${purged.replays === 1 ? '' : 's'} older than ${days} day${days === 1 ? '' : 's'}.` : '';
    return `Removed ${purged.sessions} expired session${purged.sessions === 1 ? '' : 's'}.${replays}`;
  } finally {
    await db.destroy();
  }
}
