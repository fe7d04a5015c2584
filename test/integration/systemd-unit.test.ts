// `salon print-systemd-unit` and docs/salon.service: real units, checked by systemd's own parser
// (`systemd-analyze verify`, which also checks that ExecStart's program exists and is executable).
import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { systemdUnit } from '../../src/cli/systemd-unit';
import { loadConfig } from '../../src/config/config.load';
import { runCommand } from '../support/process';
import { tempDir } from '../support/salon';

const root = resolve(import.meta.dir, '../..');
const main = join(root, 'src/main.ts');
const salon = [process.execPath, main];
const systemdAnalyze = Bun.which('systemd-analyze');
const dirs: string[] = [];
const freshDir = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Env without SALON_* settings, so the machine's own environment does not leak into the units. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SALON_')));
  return { ...env, ...extra };
}

async function printUnit(args: string[], env = cleanEnv()): Promise<string> {
  const { code, stdout, stderr } = await runCommand([...salon, 'print-systemd-unit', ...args], env);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout;
}

/** systemd-analyze verify on the unit, as salon.service in a folder of its own: no complaint at all. */
async function verify(unit: string) {
  if (!systemdAnalyze) throw new Error('systemd-analyze not found (Debian package systemd): the unit cannot be verified');
  const dir = join(freshDir(), 'units');
  mkdirSync(dir);
  writeFileSync(join(dir, 'salon.service'), unit);
  const result = await runCommand([systemdAnalyze, 'verify', join(dir, 'salon.service')], process.env);
  expect(result.stderr.trim()).toBe('');
  expect(result.code).toBe(0);
}

const line = (unit: string, key: string) => unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

test('the printed unit runs this Salon on the configured data folder, hardened, without capabilities on high ports', async () => {
  const dataDir = freshDir();
  const unit = await printUnit(['--data-dir', dataDir, '--port', '8080']);
  // From source: bun runs src/main.ts (both real files, so verify checks an executable that exists).
  expect(line(unit, 'ExecStart')).toEqual([`${process.execPath} ${main} serve --port 8080 --data-dir ${dataDir}`]);
  expect(line(unit, 'User')).toEqual(['salon']);
  expect(line(unit, 'WorkingDirectory')).toEqual([dataDir]);
  expect(line(unit, 'ReadWritePaths')).toEqual([dataDir]);
  expect(line(unit, 'StateDirectory')).toEqual([]); // only for a data folder under /var/lib
  expect(line(unit, 'Restart')).toEqual(['on-failure']);
  expect(line(unit, 'ProtectSystem')).toEqual(['strict']);
  // Homes are hidden, unless this checkout lives in one: then read-only, so ExecStart can still run.
  const inHome = ['/home/', '/root/', '/run/user/'].some((home) => `${main} ${process.execPath} ${dataDir}`.includes(home));
  expect(line(unit, 'ProtectHome')).toEqual([inHome ? 'read-only' : 'yes']);
  for (const key of ['NoNewPrivileges', 'PrivateTmp', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectControlGroups', 'LockPersonality']) {
    expect(line(unit, key)).toEqual(['yes']);
  }
  expect(line(unit, 'RestrictAddressFamilies')).toEqual(['AF_INET AF_INET6 AF_UNIX AF_NETLINK']);
  expect(Number(line(unit, 'LimitNOFILE')[0])).toBeGreaterThanOrEqual(65536);
  expect(unit).not.toMatch(/^MemoryDenyWriteExecute=/m); // Bun's JIT needs writable+executable memory
  expect(line(unit, 'AmbientCapabilities')).toEqual([]);
  expect(line(unit, 'CapabilityBoundingSet')).toEqual(['']);
  await verify(unit);
});

test('a port below 1024, from a flag or the environment, gives CAP_NET_BIND_SERVICE and nothing more', async () => {
  const low = await printUnit(['--data-dir', freshDir(), '--port', '80']);
  expect(line(low, 'AmbientCapabilities')).toEqual(['CAP_NET_BIND_SERVICE']);
  expect(line(low, 'CapabilityBoundingSet')).toEqual(['CAP_NET_BIND_SERVICE']);
  await verify(low);

  const media = await printUnit(['--data-dir', freshDir()], cleanEnv({ SALON_WEB_RTC_PORT: '443', SALON_WORKERS: '2' }));
  expect(line(media, 'AmbientCapabilities')).toEqual(['CAP_NET_BIND_SERVICE']);
  expect(line(media, 'Environment')).toEqual(expect.arrayContaining(['SALON_WEB_RTC_PORT=443', 'SALON_WORKERS=2']));
  await verify(media);
});

test('/var/lib/salon becomes the StateDirectory; the config file is passed on; secrets stay out of the unit', async () => {
  const configFile = join(freshDir(), 'salon.json');
  writeFileSync(configFile, JSON.stringify({ publicUrl: 'https://salon.example.org' }));
  const unit = await printUnit(['--config', configFile, '--data-dir', '/var/lib/salon'], cleanEnv({ SALON_TURN_SECRET: 'hush-hush-secret' }));
  expect(line(unit, 'ExecStart')[0]).toEndWith(`serve --config ${configFile} --data-dir /var/lib/salon`);
  expect(line(unit, 'StateDirectory')).toEqual(['salon']);
  expect(unit).not.toContain('hush-hush-secret');
  expect(unit).toContain('SALON_TURN_SECRET (put it in /etc/salon/salon.env)');
  expect(line(unit, 'EnvironmentFile')).toEqual(['-/etc/salon/salon.env']);
  await verify(unit);
});

test('docs/salon.service is the printed unit for /usr/local/bin/salon and /var/lib/salon, and systemd accepts it', async () => {
  const documented = await Bun.file(join(root, 'docs/salon.service')).text();
  const config = loadConfig({ flags: { dataDir: '/var/lib/salon' }, env: {} });
  const expected = systemdUnit({ command: ['/usr/local/bin/salon'], config, flags: {}, env: {} });
  expect(documented, 'docs/salon.service is out of date: print it again (see its first lines)').toBe(expected);
  expect(line(documented, 'StateDirectory')).toEqual(['salon']);
  expect(line(documented, 'AmbientCapabilities')).toEqual([]);
  // systemd checks that the program exists: point ExecStart at one that does on this machine.
  await verify(documented.replace('ExecStart=/usr/local/bin/salon', `ExecStart=${process.execPath}`));
});

test('a binary or data folder in a home folder keeps homes read-only; odd paths are quoted as systemd reads them', async () => {
  const config = loadConfig({ flags: { dataDir: '/root/salon data/%state' }, env: {} });
  const unit = systemdUnit({ command: [process.execPath], config, flags: { publicUrl: 'https://salon.example.org' }, env: {} });
  expect(line(unit, 'ProtectHome')).toEqual(['read-only']);
  expect(line(unit, 'ReadWritePaths')).toEqual(['"/root/salon data/%%state"']);
  expect(line(unit, 'ExecStart')).toEqual([`${process.execPath} serve --public-url https://salon.example.org --data-dir "/root/salon data/%%state"`]);
  await verify(unit);
});
