// Salon's entry point, as a checklist: command line → config → (db → migrate → media → http).
import { parseArgs } from './cli/parse-args';
import { helpText } from './cli/help';
import { createAdmin } from './cli/create-admin';
import { cleanup } from './cli/cleanup';
import { backup } from './cli/backup';
import { restore } from './cli/restore';
import { BackupError } from './backup/archive';
import { systemdUnit } from './cli/systemd-unit';
import { ConfigError, dumpConfig, loadConfig } from './config/config.load';
import { openDatabase } from './db/connection';
import { migrateToLatest } from './db/migrator';
import { createLogger, type LogLevel } from './log';
import { startSalon } from './server';
import { StartupError } from './startup-error';
import { tlsMode } from './tls/tls-settings';
import packageJson from '../package.json';

async function main(argv: string[]): Promise<number> {
  const cli = parseArgs(argv);
  if (cli.command === 'help') return print(helpText());
  if (cli.command === 'version') return print(`salon ${packageJson.version}`);

  const config = loadConfig({ flags: cli.flags, env: process.env, configFile: cli.configFile });
  if (cli.command === 'config-dump') return print(dumpConfig(config));
  const log = createLogger(config.logLevel as LogLevel);

  if (cli.command === 'migrate') {
    const db = openDatabase(config.dataDir);
    const applied = await migrateToLatest(db);
    await db.destroy();
    return print(applied.length ? `Applied: ${applied.map((m) => m.migrationName).join(', ')}` : 'Database is up to date');
  }

  if (cli.command === 'create-admin') return print(await createAdmin(config, cli.positionals));

  if (cli.command === 'cleanup') return print(await cleanup(config));

  if (cli.command === 'backup') return print(await backup(config, cli.positionals, packageJson.version));

  if (cli.command === 'restore') return print(await restore(config, cli.positionals));

  if (cli.command === 'print-systemd-unit') {
    // The compiled binary runs from its own path; from source, bun runs this file.
    const compiled = Bun.main.startsWith('/$bunfs/');
    const command = compiled ? [process.execPath] : [process.execPath, Bun.main];
    const workerBin = process.env.MEDIASOUP_WORKER_BIN;
    const extraEnv = !compiled && workerBin ? { MEDIASOUP_WORKER_BIN: workerBin } : undefined;
    const configFile = cli.configFile ?? process.env.SALON_CONFIG;
    return print(systemdUnit({ command, config, configFile, flags: cli.flags, env: process.env, extraEnv }).trimEnd());
  }

  if (cli.command === 'healthcheck') {
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    // With HTTPS on, the certificate names the domain, not this loopback address: liveness only.
    const base = tlsMode(config) === 'off' ? `http://${host.includes(':') ? `[${host}]` : host}:${config.port}` : `https://${host.includes(':') ? `[${host}]` : host}:${config.httpsPort}`;
    const res = await fetch(`${base}/healthz`, { tls: { rejectUnauthorized: false } }).catch(() => undefined);
    print(res ? `${res.status} ${await res.text()}` : 'unreachable');
    return res?.status === 200 ? 0 : 1;
  }

  const salon = await startSalon(config, log);
  log.info(`Salon is listening on ${salon.url}`, { dataDir: config.dataDir, ...(salon.https ? { httpRedirectPort: salon.https.redirectPort } : {}) });
  // SIGHUP: certificate files read again (certbot deploy hooks send it), or the ACME renewal check runs now.
  if (salon.https) {
    process.on('SIGHUP', () => {
      log.info('SIGHUP: reloading the HTTPS certificate');
      void salon.https!.reload();
    });
  }
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info('shutting down', { signal });
      salon.stop().then(resolve, (error) => {
        log.error('shutdown failed', { error });
        resolve();
      });
    };
    // `on`, not `once`: a terminal's Ctrl-C reaches us twice (directly and via npm's wrapper),
    // and a second signal must not kill the process mid-shutdown. stop() is idempotent.
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
  log.info('stopped cleanly');
  return 0;
}

function print(text: string): number {
  process.stdout.write(text + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    // Config errors are the admin's to fix: say what is wrong, without a stack trace.
    const known = error instanceof ConfigError || error instanceof StartupError || error instanceof BackupError;
    process.stderr.write(`salon: ${known ? error.message : (error as Error).stack ?? error}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
