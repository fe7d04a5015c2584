// Command line: `salon [serve|migrate|create-admin HANDLE EMAIL|backup FILE|restore FILE|cleanup|healthcheck|print-systemd-unit|help] [--config FILE] [--config-dump] [--<key> VALUE]...`
import { configSchema, flagName, removedConfigKeys, type ConfigName } from '../config/config.schema';
import { ConfigError, removedSettingError } from '../config/config.load';

export const commands = ['serve', 'migrate', 'create-admin', 'backup', 'restore', 'cleanup', 'healthcheck', 'print-systemd-unit', 'help', 'version'] as const;
export type Command = (typeof commands)[number] | 'config-dump';

export interface CommandLine {
  command: Command;
  configFile?: string;
  flags: Partial<Record<ConfigName, string>>;
  /** Arguments of commands that take some (create-admin HANDLE EMAIL, backup FILE, restore FILE). */
  positionals: string[];
}

const flagToKey = new Map(Object.keys(configSchema).map((key) => [flagName(key), key as ConfigName]));

export function parseArgs(argv: string[]): CommandLine {
  const result: CommandLine = { command: 'serve', flags: {}, positionals: [] };
  let commandSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config-dump') result.command = 'config-dump';
    else if (arg === '--help' || arg === '-h') result.command = 'help';
    else if (arg === '--version' || arg === '-v') result.command = 'version';
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      let value = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
      if (eq === -1) {
        if (value === undefined || value.startsWith('--')) throw new ConfigError(`Flag ${name} needs a value`);
        i++;
      }
      if (name === '--config') result.configFile = value;
      else {
        const key = flagToKey.get(name);
        const removed = Object.keys(removedConfigKeys).find((k) => flagName(k) === name);
        if (removed) throw removedSettingError(removed, `flag ${name}`);
        if (!key) throw new ConfigError(`Unknown flag ${name}. Run "salon --help" for the list.`);
        result.flags[key] = value!;
      }
    } else if (!commandSeen && (commands as readonly string[]).includes(arg)) {
      if (result.command !== 'config-dump') result.command = arg as Command;
      commandSeen = true;
    } else if (result.command === 'create-admin' || result.command === 'backup' || result.command === 'restore') {
      result.positionals.push(arg);
    } else {
      throw new ConfigError(`Unknown command "${arg}". Commands: ${commands.join(', ')}`);
    }
  }
  return result;
}
