// `salon --help`: commands and every start-up setting with its env variable and flag.
import { configSchema, envName, flagName } from '../config/config.schema';

export function helpText(): string {
  const lines = [
    'Usage: salon [command] [--config FILE] [--<setting> VALUE]...',
    '',
    'Commands:',
    '  serve          start the server (default)',
    '  migrate        apply database migrations and exit',
    '  create-admin HANDLE EMAIL   create an admin account; password from SALON_ADMIN_PASSWORD or stdin',
    '  backup FILE    write a .tar.gz of the data folder (a consistent database copy and the media files); safe while the server runs',
    '  restore FILE   unpack a backup into an empty data folder (--data-dir) and check its database',
    '  cleanup        delete expired sessions and replays past the retention setting, print how many, and exit (a running server also does this hourly)',
    '  healthcheck    exit 0 when the local server answers /healthz with 200 (for containers)',
    '  print-systemd-unit   print a hardened systemd service for this binary, its data folder and these settings',
    '  --config-dump  print the effective configuration (secrets redacted) and exit',
    '  --version      print the version',
    '',
    'Settings (flag, environment variable, default):',
  ];
  for (const [key, spec] of Object.entries(configSchema)) {
    lines.push(`  ${flagName(key).padEnd(28)} ${envName(key).padEnd(30)} ${JSON.stringify(spec.default)}`);
    lines.push(`      ${spec.description}`);
  }
  lines.push('', 'Precedence: defaults < config file (JSON or TOML, --config or SALON_CONFIG) < environment < flags.');
  return lines.join('\n');
}
