// Table shapes as Kysely sees them. Each migration that adds a table adds its interface here.
import type { Generated } from 'kysely';

export interface SettingsTable {
  key: string;
  value: string; // JSON-encoded
  updated_at: Generated<string>;
}

export interface DatabaseSchema {
  settings: SettingsTable;
}
