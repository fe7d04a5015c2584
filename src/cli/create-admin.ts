// `salon create-admin HANDLE EMAIL`: an admin account from the command line (e.g. for a closed
// instance, or a lost password). The password comes from SALON_ADMIN_PASSWORD or standard input,
// never from the command line where `ps` would show it.
import { RegistrationService } from '../accounts/registration.service';
import { ConfigError } from '../config/config.load';
import type { SalonConfig } from '../config/config.schema';
import { openDatabase } from '../db/connection';
import { migrateToLatest } from '../db/migrator';
import { SettingsService } from '../settings/settings.service';
import { englishMessage, FormInvalid } from '../shared/form-errors';

export async function createAdmin(config: SalonConfig, positionals: string[]): Promise<string> {
  const [handle, email] = positionals;
  if (!handle || !email || positionals.length > 2) {
    throw new ConfigError('Usage: salon create-admin HANDLE EMAIL (password from SALON_ADMIN_PASSWORD or standard input)');
  }
  const password = process.env.SALON_ADMIN_PASSWORD ?? (await firstLineOfStdin());
  const db = openDatabase(config.dataDir);
  try {
    await migrateToLatest(db);
    const settings = new SettingsService(db);
    await settings.load();
    const user = await new RegistrationService(db, settings).createByAdmin({ handle, email, password }, 'admin');
    return `Admin @${user.handle} created.`;
  } catch (error) {
    if (error instanceof FormInvalid) {
      throw new ConfigError(error.errors.map((e) => `${e.field}: ${englishMessage(e)}`).join('\n'));
    }
    throw error;
  } finally {
    await db.destroy();
  }
}

async function firstLineOfStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  for await (const line of console) return line;
  return '';
}
