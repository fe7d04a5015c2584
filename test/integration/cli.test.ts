// The `salon` command line run from source as a real process.
import { afterAll, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand, spawnSalon } from '../support/process';
import { tempDir } from '../support/salon';
import { signUp } from '../support/web-client';

const root = resolve(import.meta.dir, '../..');
const salon = [process.execPath, join(root, 'src/main.ts')];
const dirs: string[] = [];
const freshDir = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('--config-dump prints the effective config with secrets redacted', async () => {
  const { code, stdout } = await runCommand([...salon, '--config-dump', '--port', '9100'], {
    ...process.env,
    SALON_TURN_SECRET: 'topsecret',
    SALON_DATA_DIR: '/srv/salon',
  });
  expect(code).toBe(0);
  const dump = JSON.parse(stdout);
  expect(dump).toMatchObject({ port: 9100, dataDir: '/srv/salon', turnSecret: '[redacted]' });
  expect(stdout).not.toContain('topsecret');
});

test('an invalid value stops start-up with a message naming the key', async () => {
  const { code, stderr } = await runCommand([...salon], { ...process.env, SALON_PORT: 'http' });
  expect(code).toBe(2);
  expect(stderr).toContain('port = "http" (from environment SALON_PORT): expected an integer from 0 to 65535');
  expect(stderr).not.toContain('    at '); // a message, not a stack trace
});

test('migrate creates and migrates the database, then reports it up to date', async () => {
  const dataDir = freshDir();
  const env = { ...process.env, SALON_DATA_DIR: dataDir };
  const first = await runCommand([...salon, 'migrate'], env);
  expect(first.stdout).toContain('Applied: 0001_settings');
  expect(existsSync(join(dataDir, 'salon.sqlite'))).toBe(true);
  const second = await runCommand([...salon, 'migrate'], env);
  expect(second.stdout).toContain('Database is up to date');
});

test('healthcheck answers while up; SIGTERM stops gracefully: exit 0, workers gone', async () => {
  const running = await spawnSalon([...salon, '--port', '0', '--web-rtc-port', '0', '--host', '127.0.0.1', '--workers', '2', '--data-dir', freshDir()], process.env);
  const { client: admin } = await signUp(running.url, 'root_admin'); // the first account: sees the worker pids
  const health = await admin.json('/healthz');
  const pids: number[] = health.detail.media.workers.map((w: { pid: number }) => w.pid);
  expect(pids.length).toBe(2);
  const port = new URL(running.url).port;
  const check = await runCommand([...salon, 'healthcheck', '--port', port, '--host', '127.0.0.1'], process.env);
  expect(check.code).toBe(0);
  expect(check.stdout).toStartWith('200 ');
  expect(await running.stop('SIGTERM')).toBe(0);
  expect(running.output()).toContain('stopped cleanly');
  const after = await runCommand([...salon, 'healthcheck', '--port', port, '--host', '127.0.0.1'], process.env);
  expect(after.code).toBe(1);
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(); // no orphaned worker
});

test('create-admin makes an admin account who can log in; bad input names the field', async () => {
  const dataDir = freshDir();
  const env = { ...process.env, SALON_DATA_DIR: dataDir, SALON_ADMIN_PASSWORD: 'admin-password-1' };
  const made = await runCommand([...salon, 'create-admin', 'Chief', 'chief@example.org'], env);
  expect(made.stdout).toContain('Admin @chief created.');
  expect(made.code).toBe(0);

  const again = await runCommand([...salon, 'create-admin', 'chief', 'other@example.org'], env);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('handle: This handle is already taken.');
  const weak = await runCommand([...salon, 'create-admin', 'deputy', 'deputy@example.org'], { ...env, SALON_ADMIN_PASSWORD: 'short' });
  expect(weak.stderr).toContain('password: Use at least 8 characters.');
  const usage = await runCommand([...salon, 'create-admin', 'lonely'], env);
  expect(usage.stderr).toContain('Usage: salon create-admin HANDLE EMAIL');

  // The account works on a running server.
  const running = await spawnSalon([...salon, '--port', '0', '--web-rtc-port', '0', '--host', '127.0.0.1', '--workers', '1'], env);
  const { WebClient } = await import('../support/web-client');
  const client = new WebClient(running.url);
  expect((await client.post('/login', { login: 'chief', password: 'admin-password-1' })).status).toBe(200);
  expect((await client.get('/admin/settings', 'json')).status).toBe(200);
  expect(await running.stop()).toBe(0);
});

test('create-admin reads the password from standard input', async () => {
  const dataDir = freshDir();
  const env: Record<string, string | undefined> = { ...process.env, SALON_DATA_DIR: dataDir };
  delete env.SALON_ADMIN_PASSWORD;
  const proc = Bun.spawn([...salon, 'create-admin', 'piped', 'piped@example.org'], { env: env as Record<string, string>, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
  proc.stdin.write('piped-password-1\n');
  proc.stdin.end();
  expect(await proc.exited).toBe(0);
  expect(await new Response(proc.stdout).text()).toContain('Admin @piped created.');
});

test('cleanup deletes expired sessions, keeps valid ones and says how many went', async () => {
  const dataDir = freshDir();
  const env = { ...process.env, SALON_DATA_DIR: dataDir, SALON_ADMIN_PASSWORD: 'admin-password-1' };
  expect((await runCommand([...salon, 'create-admin', 'keeper', 'keeper@example.org'], env)).code).toBe(0);
  const file = new Database(join(dataDir, 'salon.sqlite'));
  const userId = file.query<{ id: number }, []>('select id from users').get()!.id;
  const insert = file.query('insert into sessions (id, user_id, expires_at) values (?, ?, ?)');
  insert.run('expired-1', userId, new Date(Date.now() - 60_000).toISOString());
  insert.run('expired-2', userId, '2000-01-01T00:00:00.000Z');
  insert.run('valid', userId, new Date(Date.now() + 3600_000).toISOString());

  const first = await runCommand([...salon, 'cleanup'], env);
  expect(first.code).toBe(0);
  expect(first.stdout.trim()).toBe('Removed 2 expired sessions.');
  expect(file.query<{ id: string }, []>('select id from sessions order by id').all()).toEqual([{ id: 'valid' }]);
  const second = await runCommand([...salon, 'cleanup'], env);
  expect(second.stdout.trim()).toBe('Removed 0 expired sessions.');
  file.close();
});

test('a web port that is taken stops start-up with a message naming the setting, and exit 1', async () => {
  const taken = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('someone else') });
  try {
    const flags = ['--host', '127.0.0.1', '--port', String(taken.port), '--workers', '1', '--web-rtc-port', '0', '--rtc-listen-ip', '127.0.0.1'];
    const { code, stderr } = await runCommand([...salon, ...flags], { ...process.env, SALON_DATA_DIR: freshDir() });
    expect(code).toBe(1);
    expect(stderr).toContain(`salon: port: cannot listen on port ${taken.port}`);
  } finally {
    taken.stop(true);
  }
}, 30_000);
