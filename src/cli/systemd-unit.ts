// `salon print-systemd-unit`: a hardened systemd service for this binary and this configuration.
// docs/salon.service is the same unit for the usual layout (/usr/local/bin/salon, /var/lib/salon).
// Every hardening option is one Bun, the mediasoup worker and ffmpeg live with; left out on purpose:
// MemoryDenyWriteExecute (Bun's JIT needs writable+executable memory), NoExecPaths on the data folder
// (the binary extracts its media worker to <dataDir>/runtime and runs it from there), and
// PrivateNetwork/IPAddressDeny (the media ports talk to the whole Internet).
import { isAbsolute, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { configSchema, envName, flagName, type ConfigName, type SalonConfig } from '../config/config.schema';

export interface UnitInputs {
  /** The program and its leading arguments: the compiled binary, or bun + src/main.ts from source. */
  command: string[];
  config: SalonConfig;
  /** The config file in use (--config or SALON_CONFIG), if any. */
  configFile?: string;
  /** Settings given as flags on this command line: carried over to ExecStart. */
  flags: Partial<Record<ConfigName, string>>;
  /** The environment: SALON_* settings set here become Environment= lines. */
  env: Record<string, string | undefined>;
  /** Extra Environment= lines (MEDIASOUP_WORKER_BIN when printed from source). */
  extraEnv?: Record<string, string>;
}

export const secretsFile = '/etc/salon/salon.env';
const homes = ['/home/', '/root/', '/run/user/'];

/** The ports Salon binds that need CAP_NET_BIND_SERVICE (below 1024). */
export function privilegedPorts(config: SalonConfig): number[] {
  const settings = config as unknown as Record<string, unknown>;
  const ports: number[] = [config.port];
  if (config.webRtcPort > 0) {
    const workers = config.workers || availableParallelism();
    for (let n = 0; n < workers; n++) ports.push(config.webRtcPort + n);
  }
  // Built-in HTTPS, where this Salon has it: the https port and the plain-HTTP redirect/ACME port.
  const tlsOn = [settings.tlsCert, settings.domain].some((value) => typeof value === 'string' && value !== '');
  if (tlsOn) for (const key of ['httpsPort', 'httpRedirectPort']) if (typeof settings[key] === 'number') ports.push(settings[key]);
  return [...new Set(ports.filter((port) => port > 0 && port < 1024))].sort((a, b) => a - b);
}

/** One argument or value of a unit file line, quoted and escaped the way systemd reads it
 * (specifiers everywhere; `$` only on Exec lines, where it expands variables). */
export function unitQuote(value: string, execLine = false): string {
  const percent = value.replaceAll('%', '%%');
  const escaped = execLine ? percent.replaceAll('$', '$$$$') : percent;
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped) ? escaped : `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export function systemdUnit(inputs: UnitInputs): string {
  const { config, flags, env } = inputs;
  const dataDir = resolve(config.dataDir);
  const configFile = inputs.configFile ? resolve(inputs.configFile) : undefined;
  const isSecret = (key: string) => Boolean(configSchema[key as ConfigName]?.secret);

  const args = [...inputs.command, 'serve'];
  if (configFile) args.push('--config', configFile);
  const omittedSecrets: string[] = [];
  for (const [key, value] of Object.entries(flags)) {
    if (key === 'dataDir' || value === undefined) continue;
    if (isSecret(key)) omittedSecrets.push(`${flagName(key)} (put ${envName(key)}=... in ${secretsFile})`);
    else args.push(flagName(key), value);
  }
  args.push('--data-dir', dataDir);

  const environment: string[] = [];
  for (const key of Object.keys(configSchema)) {
    const value = env[envName(key)];
    if (value === undefined || key in flags || key === 'dataDir') continue;
    if (isSecret(key)) omittedSecrets.push(`${envName(key)} (put it in ${secretsFile})`);
    else environment.push(`Environment=${unitQuote(`${envName(key)}=${value}`)}`);
  }
  for (const [name, value] of Object.entries(inputs.extraEnv ?? {})) environment.push(`Environment=${unitQuote(`${name}=${value}`)}`);

  const lowPorts = privilegedPorts(config);
  const inHome = [...inputs.command, dataDir, configFile ?? ''].some((path) => isAbsolute(path) && homes.some((home) => path.startsWith(home)));
  const stateDirectory = dataDir.startsWith('/var/lib/') ? dataDir.slice('/var/lib/'.length) : undefined;

  const lines = [
    '# Salon as a systemd service. Install:',
    '#   useradd --system --home-dir /var/lib/salon --shell /usr/sbin/nologin salon',
    ...(stateDirectory ? [] : [`#   install -d -o salon -g salon -m 750 ${dataDir}`]),
    '#   salon print-systemd-unit [your settings] > /etc/systemd/system/salon.service',
    '#   systemctl daemon-reload && systemctl enable --now salon && journalctl -u salon -f',
    ...(omittedSecrets.length ? ['# Secrets are kept out of this file (readable by every user): ' + omittedSecrets.join('; ')] : []),
    '',
    '[Unit]',
    'Description=Salon live audio rooms',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=exec',
    'User=salon',
    'Group=salon',
    `ExecStart=${args.map((arg) => unitQuote(arg, true)).join(' ')}`,
    ...environment,
    `EnvironmentFile=-${secretsFile}`,
    `WorkingDirectory=${dataDir.replaceAll('%', '%%')}`, // one path: no quotes, only specifiers escaped
    ...(stateDirectory ? [`StateDirectory=${stateDirectory}`, 'StateDirectoryMode=0750'] : []),
    'UMask=0027',
    // Stop: SIGTERM, Salon closes rooms, workers and the database; restart only after a failure.
    'KillSignal=SIGTERM',
    'TimeoutStopSec=30',
    'Restart=on-failure',
    'RestartSec=5s',
    // Thousands of listeners: a WebSocket each, plus the media workers' sockets and recordings' files.
    'LimitNOFILE=65536',
    '',
    '# Hardening (no MemoryDenyWriteExecute: Bun compiles JavaScript to machine code at run time).',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ReadWritePaths=${unitQuote(dataDir)}`,
    ...(inHome ? ['# The binary, config or data folder is in a home folder: homes read-only, not hidden.'] : []),
    `ProtectHome=${inHome ? 'read-only' : 'yes'}`,
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    // AF_NETLINK: listing the network interfaces (the announced media address).
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'SystemCallArchitectures=native',
    ...(lowPorts.length
      ? [
          `# Ports below 1024 in this configuration (${lowPorts.join(', ')}): allowed to bind them, nothing else.`,
          'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
          'AmbientCapabilities=CAP_NET_BIND_SERVICE',
        ]
      : ['# No port below 1024 in this configuration: no capabilities at all.', 'CapabilityBoundingSet=']),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
  return lines.filter((line, i) => line !== '' || lines[i - 1] !== '').join('\n') + '\n';
}
