// The compiled single executable: built for real, started alone with a temp data dir.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand, spawnSalon } from '../support/process';
import { tempDir } from '../support/salon';
import { signUp } from '../support/web-client';

const root = resolve(import.meta.dir, '../..');
const buildDir = tempDir('salon-binary-');
const binary = join(buildDir, 'salon');
const dataDir = join(buildDir, 'data');

beforeAll(async () => {
  const build = await runCommand([process.execPath, join(root, 'scripts/build-binary.ts'), '--outfile', binary], process.env);
  if (build.code !== 0) throw new Error(`binary build failed:\n${build.stdout}\n${build.stderr}`);
}, 120_000);
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

// Nothing from the source tree: no MEDIASOUP_WORKER_BIN, run from another folder.
const { MEDIASOUP_WORKER_BIN: _ignored, ...envWithoutWorker } = process.env;

test('the binary starts alone, serves /healthz with its embedded worker, and stops cleanly', async () => {
  expect(statSync(binary).mode & 0o111).toBeGreaterThan(0);
  const running = await spawnSalon([binary, '--port', '0', '--web-rtc-port', '0', '--host', '127.0.0.1', '--workers', '1', '--data-dir', dataDir], {
    ...envWithoutWorker,
    PWD: buildDir,
  });
  const res = await fetch(running.url + '/healthz');
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok', db: 'ok', media: 'ok' });
  // The binary is the production build; the first account (an admin) may see that in the detail.
  const { client: admin } = await signUp(running.url, 'root_admin');
  const { detail } = await admin.json('/healthz');
  expect(detail.media.live).toBe(1);
  expect(detail.server.mode).toBe('production');
  // Avatar re-encoding runs on WebAssembly codecs embedded in the binary.
  const form = new FormData();
  form.set('displayName', 'Root');
  form.set('avatar', new File([Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')], 'a.png'));
  expect((await admin.post('/settings/profile', form)).status).toBe(200);
  expect(readdirSync(join(dataDir, 'avatars')).length).toBe(1);
  const page = await fetch(running.url + '/static/htmx.min.js');
  expect(page.status).toBe(200);
  expect(await running.stop('SIGTERM')).toBe(0);
  expect(running.output()).toContain('stopped cleanly');
  // The embedded worker was extracted into the data dir, and migrations ran inside the binary.
  expect(readdirSync(join(dataDir, 'runtime')).some((f) => f.startsWith('mediasoup-worker-'))).toBe(true);
  expect(existsSync(join(dataDir, 'salon.sqlite'))).toBe(true);
});

test('the binary answers --version and --config-dump', async () => {
  const version = await runCommand([binary, '--version'], envWithoutWorker);
  expect(version.stdout).toMatch(/^salon \d+\.\d+\.\d+/);
  const dump = await runCommand([binary, '--config-dump', '--workers', '3'], envWithoutWorker);
  expect(JSON.parse(dump.stdout).workers).toBe(3);
});
