// Reads and writes instance settings. Kept in memory (one process owns the database) and
// refreshed on every write, so changes take effect without a restart.
import type { Db } from '../db/connection';
import type { MessageKey } from '../i18n/messages.en';
import { FieldErrors } from '../shared/form-errors';
import { defaultSettings, settingRules, type InstanceSettings } from './settings.schema';

export class SettingsService {
  private current: InstanceSettings = { ...defaultSettings };

  constructor(private readonly db: Db) {}

  async load(): Promise<void> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).execute();
    const next: Record<string, unknown> = { ...defaultSettings };
    for (const row of rows) {
      if (!(row.key in settingRules)) continue; // a setting from a newer/older version: ignore
      try {
        const value = JSON.parse(row.value);
        if (checkSetting(row.key as keyof InstanceSettings, value) === undefined) next[row.key] = value;
      } catch {
        /* unreadable value: keep the default */
      }
    }
    this.current = next as unknown as InstanceSettings;
  }

  get(): Readonly<InstanceSettings> {
    return this.current;
  }

  /** Validates raw form values (strings) for the given keys, then saves them in one transaction. */
  async update(raw: Partial<Record<keyof InstanceSettings, unknown>>): Promise<InstanceSettings> {
    const errors = new FieldErrors();
    const values: Partial<Record<keyof InstanceSettings, unknown>> = {};
    for (const [key, input] of Object.entries(raw) as [keyof InstanceSettings, unknown][]) {
      if (!(key in settingRules)) continue;
      const value = coerce(key, input);
      const problem = checkSetting(key, value);
      if (problem) errors.add(key, problem.key, problem.params);
      else values[key] = value;
    }
    errors.throwIfAny();
    await this.db.transaction().execute(async (trx) => {
      for (const [key, value] of Object.entries(values)) {
        await trx
          .insertInto('settings')
          .values({ key, value: JSON.stringify(value) })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: new Date().toISOString() }))
          .execute();
      }
    });
    this.current = { ...this.current, ...values } as InstanceSettings;
    return this.current;
  }
}

function coerce(key: keyof InstanceSettings, input: unknown): unknown {
  const rule = settingRules[key];
  if (rule.kind === 'int' && typeof input === 'string' && /^\s*-?\d+\s*$/.test(input)) return Number(input);
  if (rule.kind === 'text' && typeof input === 'string') return input.trim();
  return input;
}

function checkSetting(key: keyof InstanceSettings, value: unknown): { key: MessageKey; params?: Record<string, string | number> } | undefined {
  const rule = settingRules[key];
  if (rule.kind === 'int') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) {
      return { key: 'error.field.integerRange' as const, params: { min: rule.min, max: rule.max } };
    }
  } else if (rule.kind === 'text') {
    if (typeof value !== 'string') return { key: 'error.field.required' as const };
    if (value.length < rule.min) return { key: 'error.field.required' as const };
    if (value.length > rule.max) return { key: 'error.field.tooLong' as const, params: { max: rule.max } };
  } else if (typeof value !== 'string' || !rule.values.includes(value)) {
    return { key: 'error.field.oneOf' as const, params: { values: rule.values.join(', ') } };
  }
  return undefined;
}
