// Builds the effective config: defaults → config file → SALON_* environment → CLI flags.
// Validated once, then frozen; an invalid value stops start-up with a message naming the key.
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { configSchema, envName, flagName, removedConfigKeys, type ConfigName, type SalonConfig } from './config.schema';
import { checkTlsSettings } from '../tls/tls-settings';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ConfigSources {
  /** Values from CLI flags, keyed by config name (see cli/parse-args). */
  flags?: Partial<Record<ConfigName, string>>;
  env?: Record<string, string | undefined>;
  /** Path of a JSON or TOML config file; else SALON_CONFIG from env. */
  configFile?: string;
}

const names = Object.keys(configSchema) as ConfigName[];

export function loadConfig(sources: ConfigSources = {}): SalonConfig {
  const env = sources.env ?? {};
  const values: Record<string, unknown> = {};
  for (const key of names) values[key] = configSchema[key].default;

  const file = sources.configFile ?? env.SALON_CONFIG;
  if (file) {
    for (const [key, raw] of Object.entries(readConfigFile(file))) {
      if (Object.hasOwn(removedConfigKeys, key)) {
        rejectRemoved(key, raw, `config file ${file}`);
        continue;
      }
      if (!(key in configSchema)) {
        throw new ConfigError(`Unknown key "${key}" in ${file}. Known keys: ${names.join(', ')}`);
      }
      values[key] = parseValue(key as ConfigName, raw, `config file ${file}`);
    }
  }
  for (const key of Object.keys(removedConfigKeys)) rejectRemoved(key, env[envName(key)], `environment ${envName(key)}`);
  for (const key of names) {
    const raw = env[envName(key)];
    if (raw !== undefined) values[key] = parseValue(key, raw, `environment ${envName(key)}`);
  }
  for (const [key, raw] of Object.entries(sources.flags ?? {})) {
    if (Object.hasOwn(removedConfigKeys, key)) rejectRemoved(key, raw, `flag ${flagName(key)}`);
    else values[key] = parseValue(key as ConfigName, raw, `flag ${flagName(key)}`);
  }

  if ((values.rtcMinPort as number) > (values.rtcMaxPort as number)) {
    throw new ConfigError(
      `Invalid config: rtcMinPort (${values.rtcMinPort}) must not be greater than rtcMaxPort (${values.rtcMaxPort})`,
    );
  }
  const turnUrls = (values.turnUrls as string).split(',').filter((url) => /^turns?:/i.test(url));
  if (turnUrls.length > 0 && values.turnSecret === '') {
    throw new ConfigError(
      `Invalid config: turnUrls has TURN URLs (${turnUrls.join(', ')}) but turnSecret is empty: ` +
        "set turnSecret to the static-auth-secret of the TURN server (coturn's use-auth-secret), or list only stun: URLs",
    );
  }
  const tlsProblem = checkTlsSettings(values);
  if (tlsProblem) throw new ConfigError(`Invalid config: ${tlsProblem}`);
  if (values.workers === 0) values.workers = availableParallelism();
  return Object.freeze(values) as SalonConfig;
}

function parseValue(key: ConfigName, raw: unknown, origin: string) {
  const spec = configSchema[key];
  const parsed = spec.parse(raw);
  if (parsed === undefined) {
    const shown = spec.secret ? '[redacted]' : JSON.stringify(raw);
    throw new ConfigError(`Invalid config: ${key} = ${shown} (from ${origin}): expected ${spec.expected}`);
  }
  return parsed;
}

/** The start-up error for a removed setting (see removedConfigKeys); the value is never echoed. */
export function removedSettingError(key: string, origin: string): ConfigError {
  return new ConfigError(`Invalid config: ${key} (from ${origin}) is no longer supported. ${removedConfigKeys[key]}.`);
}

/** A removed setting given a value stops start-up with advice; an empty value changes nothing and passes. */
function rejectRemoved(key: string, raw: unknown, origin: string) {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return;
  throw removedSettingError(key, origin);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.toml') ? Bun.TOML.parse(text) : JSON.parse(text);
  } catch (error) {
    const form = file.endsWith('.toml') ? 'TOML' : 'JSON';
    throw new ConfigError(`Config file ${file} is not valid ${form}: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`Config file ${file} must hold an object of settings`);
  }
  return data as Record<string, unknown>;
}

/** The effective config as JSON with secrets redacted (for `salon --config-dump`). */
export function dumpConfig(config: SalonConfig): string {
  const shown: Record<string, unknown> = {};
  for (const key of names) {
    const value = config[key];
    shown[key] = configSchema[key].secret && value !== '' ? '[redacted]' : value;
  }
  return JSON.stringify(shown, null, 2);
}
