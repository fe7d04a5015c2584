// `salon backup` on a running instance under writes (sign-ups in a loop), `salon restore` into a new
// folder (a non-empty one refused), and the restored instance started as a real process: accounts,
// a room and an avatar file are there, and the database passes its integrity check.
import { afterAll, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand, spawnSalon, type SalonProcess } from '../support/process';
import { tempDir } from '../support/salon';
import { logIn, signUp } from '../support/web-client';

const root = resolve(import.meta.dir, '../..');
const salon = [process.execPath, join(root, 'src/main.ts')];
const serveFlags = ['--port', '0', '--web-rtc-port', '0', '--host', '127.0.0.1', '--rtc-listen-ip', '127.0.0.1', '--workers', '1', '--trust-proxy', 'true'];
const dirs: string[] = [];
const running: SalonProcess[] = [];
const freshDir = () => {
  const dir = tempDir('salon-backup-test-');
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const proc of running) if (proc.proc.exitCode === null) await proc.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function pngAvatar(): Blob {
  const ffmpeg = Bun.spawnSync(['ffmpeg', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=green:s=64x64', '-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe', 'pipe:1']);
  if (ffmpeg.exitCode !== 0) throw new Error(`ffmpeg failed: ${ffmpeg.stderr.toString()}`);
  return new Blob([new Uint8Array(ffmpeg.stdout)], { type: 'image/png' });
}

test('backup while the server writes, restore into a new folder, start it: the data is there', async () => {
  const dataDir = freshDir();
  const server = await spawnSalon([...salon, ...serveFlags, '--data-dir', dataDir], process.env);
  running.push(server);
  const admin = await signUp(server.url, 'bk_admin');
  const host = await signUp(server.url, 'bk_host');
  const form = new FormData();
  form.set('displayName', 'Backed Up');
  form.set('avatar', pngAvatar(), 'me.png');
  expect((await host.client.post('/settings/profile', form, { accept: 'html' })).status).toBe(303);
  const db = new Database(join(dataDir, 'salon.sqlite'), { readonly: true });
  const hostRow = db.query("select id, avatar_file from users where handle = 'bk_host'").get() as { id: number; avatar_file: string };
  db.close();
  expect(hostRow.avatar_file).toBeTruthy();
  expect((await admin.client.post(`/admin/users/${hostRow.id}/grant-host`)).status).toBeLessThan(400);
  const created = await host.client.post('/studio/rooms', { title: 'Room before the backup' });
  expect(created.status).toBe(201);
  const roomId = (await created.json()).id as string;
  // Something in the media folders besides avatars: a replay's folder.
  mkdirSync(join(dataDir, 'recordings', 'bkrecording1'), { recursive: true });
  writeFileSync(join(dataDir, 'recordings', 'bkrecording1', 'replay.opus'), 'bytes of a replay');

  // Writes go on while the backup runs.
  let writing = true;
  let signedUp = 0;
  const writer = (async () => {
    while (writing) {
      await signUp(server.url, `bk_loop${signedUp}`);
      signedUp++;
    }
  })();
  await Bun.sleep(200);
  const signedUpBeforeBackup = signedUp;
  const archive = join(freshDir(), 'salon-backup.tar.gz');
  const made = await runCommand([...salon, 'backup', archive, '--data-dir', dataDir], process.env);
  const signedUpBeforeEnd = signedUp;
  writing = false;
  await writer;
  expect(made.stderr).toBe('');
  expect(made.code).toBe(0);
  expect(made.stdout).toContain(`to ${archive}`);
  expect(statSync(archive).mode & 0o777).toBe(0o600); // it holds keys and personal data
  expect(signedUp).toBeGreaterThan(0);
  const listing = (await runCommand(['tar', '-tzf', archive], process.env)).stdout.split('\n');
  expect(listing).toContain('backup.json');
  expect(listing).toContain('salon.sqlite');
  expect(listing).toContain(`avatars/${hostRow.avatar_file}`);
  expect(listing).toContain('recordings/bkrecording1/replay.opus');
  expect(listing.some((path) => path.startsWith('runtime') || path.startsWith('salon.sqlite-'))).toBe(false);
  expect(await server.stop()).toBe(0);

  // Restore refuses a folder with anything in it, and a file that is not a backup.
  const busy = freshDir();
  writeFileSync(join(busy, 'notes.txt'), 'mine');
  const refused = await runCommand([...salon, 'restore', archive, '--data-dir', busy], process.env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`The data folder ${busy} is not empty (notes.txt)`);
  expect(readdirSync(busy)).toEqual(['notes.txt']);
  const bogus = join(freshDir(), 'bogus.tar.gz');
  writeFileSync(bogus, 'not an archive');
  const notBackup = await runCommand([...salon, 'restore', bogus, '--data-dir', join(freshDir(), 'new')], process.env);
  expect(notBackup.code).toBe(1);
  expect(notBackup.stderr).toContain('is not a Salon backup');

  // Into a new folder.
  const restoredDir = join(freshDir(), 'restored');
  const restored = await runCommand([...salon, 'restore', archive, '--data-dir', restoredDir], process.env);
  expect(restored.stderr).toBe('');
  expect(restored.code).toBe(0);
  expect(restored.stdout).toContain('integrity ok');
  const copy = new Database(join(restoredDir, 'salon.sqlite'), { readonly: true });
  expect(copy.query('pragma integrity_check').get()).toEqual({ integrity_check: 'ok' });
  expect((copy.query('pragma foreign_key_check').all() as unknown[]).length).toBe(0);
  const users = (copy.query("select count(*) as n from users where handle like 'bk_loop%'").get() as { n: number }).n;
  expect(users).toBeGreaterThanOrEqual(signedUpBeforeBackup); // every sign-up finished before the backup began is in it
  expect(users).toBeLessThanOrEqual(signedUpBeforeEnd + 1);
  copy.close();
  expect(existsSync(join(restoredDir, 'avatars', hostRow.avatar_file))).toBe(true);
  expect(await Bun.file(join(restoredDir, 'recordings', 'bkrecording1', 'replay.opus')).text()).toBe('bytes of a replay');

  const again = await spawnSalon([...salon, ...serveFlags, '--data-dir', restoredDir], process.env);
  running.push(again);
  const { client, res } = await logIn(again.url, 'bk_host', host.password);
  expect(res.status).toBe(200);
  expect(client.signedIn).toBe(true);
  expect((await fetch(`${again.url}/avatars/${hostRow.avatar_file}`)).status).toBe(200);
  const room = await fetch(`${again.url}/r/${roomId}`, { headers: { accept: 'text/html' } });
  expect(room.status).toBe(200);
  expect(await room.text()).toContain('Room before the backup');
  expect((await logIn(again.url, 'bk_admin', admin.password)).res.status).toBe(200);
  expect(await again.stop()).toBe(0);
});
