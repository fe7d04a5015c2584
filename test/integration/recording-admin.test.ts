// Recording, the admin's side: the four instance settings on /admin/settings (validated, stored),
// /admin/storage (storage per host against the quota, admins only) and replay retention (the
// hourly purge and `salon cleanup` delete old replays' files and rows, never a recording in progress).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startPeriodicPurge } from '../../src/cleanup';
import type { RecordingStatus } from '../../src/db/schema';
import { purgeExpiredReplays, recordingDirIn } from '../../src/recording/retention';
import { runCommand } from '../support/process';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

const MB = 1024 * 1024;
const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600_000).toISOString();

let salon: TestSalon;
let admin: Account;
let member: Account;
const hostIds: Record<string, number> = {};

beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'rec_admin');
  member = await signUp(salon.url, 'rec_member');
  for (const handle of ['big_host', 'small_host', 'idle_host']) {
    await signUp(salon.url, handle);
    hostIds[handle] = (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
  }
});
afterAll(() => salon.dispose());

let serial = 0;
/** An ended room with a recording, its files on disk (tracks, replay) and clips (rows and files). */
async function seedRecording(opts: { host: string; bytes: number; status?: RecordingStatus; endedDaysAgo?: number | null; clips?: number[] }) {
  const id = `rec${String(++serial).padStart(9, '0')}`;
  const roomId = `room${String(serial).padStart(8, '0')}`;
  const ended = opts.endedDaysAgo === null ? null : daysAgo(opts.endedDaysAgo ?? 1);
  const hostId = hostIds[opts.host]!;
  await salon.db.insertInto('rooms').values({ id: roomId, host_id: hostId, title: `Room ${serial}`, status: ended ? 'ended' : 'live', started_at: daysAgo(400), ended_at: ended }).execute();
  await salon.db.insertInto('recordings').values({ id, room_id: roomId, host_id: hostId, title: `Room ${serial}`, status: opts.status ?? 'ready', bytes: opts.bytes, started_at: daysAgo(400), stopped_at: ended }).execute();
  const dir = salon.deps.recorders.dirOf(id);
  mkdirSync(join(dir, 'tracks'), { recursive: true });
  for (const file of ['tracks/u1.webm', 'replay.opus', 'replay.m4a', 'peaks.json']) writeFileSync(join(dir, file), 'audio');
  const clipFiles: string[] = [];
  for (const [i, bytes] of (opts.clips ?? []).entries()) {
    const file = `${id}-clip${i}.m4a`;
    mkdirSync(join(salon.dataDir, 'clips'), { recursive: true });
    writeFileSync(join(salon.dataDir, 'clips', file), 'clip');
    await salon.db.insertInto('clips').values({ id: `${id}c${i}`, recording_id: id, created_by: hostId, start_ms: 0, duration_ms: 30_000, file, bytes }).execute();
    clipFiles.push(join(salon.dataDir, 'clips', file));
  }
  return { id, roomId, dir, clipFiles };
}

const rowExists = async (id: string) => !!(await salon.db.selectFrom('recordings').select('id').where('id', '=', id).executeTakeFirst());
const saveSettings = (fields: Record<string, string>) => admin.client.post('/admin/settings', fields);

describe('recording settings on /admin/settings', () => {
  test('the page shows the four settings with their hints, in English and French', async () => {
    const page = await (await admin.client.get('/admin/settings')).text();
    expect(page).toContain('<h2 id="recording">Recording and replays</h2>');
    for (const name of ['recordingAllowed', 'replayRetentionDays', 'hostStorageQuotaMb', 'clipRetentionDays']) expect(page).toContain(`name="${name}"`);
    expect(page).toContain('0 = keep forever.');
    expect(page).toContain('0 = no limit.');
    expect(page).toMatch(/<input id="field-hostStorageQuotaMb" name="hostStorageQuotaMb" type="number" value="2000"/);
    expect(page).toContain('<option value="yes" selected>Hosts may record their rooms</option>');
    admin.client.lang = 'fr';
    const french = await (await admin.client.get('/admin/settings')).text();
    admin.client.lang = 'en';
    expect(french).toContain('Enregistrement et rediffusions');
    expect(french).toContain('0 = conserver pour toujours.');
    expect(french).toContain('0 = sans limite.');
  });

  test('saving stores them and they take effect at once', async () => {
    const res = await saveSettings({ recordingAllowed: 'no', replayRetentionDays: '90', hostStorageQuotaMb: '500', clipRetentionDays: '0' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ recordingAllowed: 'no', replayRetentionDays: 90, hostStorageQuotaMb: 500, clipRetentionDays: 0 });
    expect(salon.deps.settings.get()).toMatchObject({ recordingAllowed: 'no', replayRetentionDays: 90, hostStorageQuotaMb: 500, clipRetentionDays: 0 });
    const stored = await salon.db.selectFrom('settings').select(['key', 'value']).where('key', 'in', ['recordingAllowed', 'replayRetentionDays']).orderBy('key').execute();
    expect(stored).toEqual([
      { key: 'recordingAllowed', value: '"no"' },
      { key: 'replayRetentionDays', value: '90' },
    ]);
    const page = await (await admin.client.get('/admin/settings')).text();
    expect(page).toContain('<option value="no" selected>Nobody may record</option>');
    expect(page).toMatch(/name="replayRetentionDays" type="number" value="90"/);
    // Back to the defaults for the rest of the file.
    expect((await saveSettings({ recordingAllowed: 'yes', replayRetentionDays: '0', hostStorageQuotaMb: '2000', clipRetentionDays: '30' })).status).toBe(200);
  });

  const invalid: [string, string, RegExp][] = [
    ['replayRetentionDays', '-1', /whole number from 0 to 36500/],
    ['replayRetentionDays', 'abc', /whole number/],
    ['hostStorageQuotaMb', '-5', /whole number from 0 to 10000000/],
    ['hostStorageQuotaMb', '1.5', /whole number/],
    ['clipRetentionDays', '99999', /whole number from 0 to 36500/],
    ['recordingAllowed', 'maybe', /Choose one of: yes, no/],
  ];
  for (const [field, value, message] of invalid) {
    test(`${field} = ${JSON.stringify(value)} is refused, naming the field; nothing is stored`, async () => {
      const before = { ...salon.deps.settings.get() };
      const res = await saveSettings({ [field]: value, instanceName: 'Not saved either' });
      expect(res.status).toBe(422);
      const body = await res.json();
      expect(body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
      expect(body.errors[0].message).toMatch(message);
      expect(await admin.client.json('/admin/settings')).toEqual(before);
    });
  }

  test('the HTML form re-renders with the error next to the field and the typed value', async () => {
    const res = await admin.client.post('/admin/settings', { replayRetentionDays: '-1' }, { accept: 'html' });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('<p class="error" id="field-replayRetentionDays-error">');
    expect(page).toMatch(/name="replayRetentionDays" type="number" value="-1"/);
    expect(salon.deps.settings.get().replayRetentionDays).toBe(0);
  });
});

describe('/admin/storage', () => {
  let big: Awaited<ReturnType<typeof seedRecording>>;
  beforeAll(async () => {
    big = await seedRecording({ host: 'big_host', bytes: 900 * MB, clips: [50 * MB, 50 * MB] });
    await seedRecording({ host: 'big_host', bytes: 1024 * MB });
    await seedRecording({ host: 'big_host', bytes: 0, status: 'empty' }); // not a replay
    await seedRecording({ host: 'small_host', bytes: 3 * MB + MB / 2 });
  });

  test('storage per host, the largest first, with replays, clips and the quota used', async () => {
    const report = await admin.client.json('/admin/storage');
    expect(report.hosts.map((h: { handle: string }) => h.handle)).toEqual(['big_host', 'small_host']); // idle_host recorded nothing
    expect(report.hosts[0]).toMatchObject({ hostId: hostIds.big_host, recordingBytes: 1924 * MB, clipBytes: 100 * MB, usedBytes: 2024 * MB, replays: 2, clips: 2, quotaBytes: 2000 * MB, percentUsed: 101.2 });
    expect(report.hosts[1]).toMatchObject({ recordingBytes: 3.5 * MB, clipBytes: 0, replays: 1, clips: 0, percentUsed: 0.2 });
    expect(report).toMatchObject({ totalBytes: 2027.5 * MB, recordingBytes: 1927.5 * MB, clipBytes: 100 * MB });
    // The same numbers as the quota check at recording time.
    const { storageUsedBy } = await import('../../src/recording/recordings.repository');
    expect(await storageUsedBy(salon.db, hostIds.big_host!)).toBe(report.hosts[0].usedBytes);
  });

  test('the page shows them in human units, linked from the admin nav', async () => {
    const page = await (await admin.client.get('/admin/storage')).text();
    expect(page).toContain('<a href="/admin/storage" aria-current="page">Storage</a>');
    expect(page).toContain('2 GB used in all');
    expect(page).toContain('Quota per host: 2 GB');
    const bigRow = page.slice(page.indexOf(`id="host-${hostIds.big_host}"`), page.indexOf(`id="host-${hostIds.small_host}"`));
    expect(bigRow).toContain('@big_host');
    expect(bigRow).toContain('Replays: 2 (1.9 GB) · Clips: 2 (100 MB)');
    expect(bigRow).toContain('2 GB of 2 GB (101.2%)');
    expect(bigRow).toContain('<meter min="0" max="100" low="80" high="95" optimum="0" value="100"');
    expect(page).toContain('3.5 MB of 2 GB (0.2%)');
    expect(page.indexOf('@big_host')).toBeLessThan(page.indexOf('@small_host'));
    admin.client.lang = 'fr';
    const french = await (await admin.client.get('/admin/storage')).text();
    admin.client.lang = 'en';
    expect(french).toContain('3,5 Mo sur 2 Go (0,2 %)');
    expect(french).toContain('Rediffusions : 2 (1,9 Go) · Extraits : 2 (100 Mo)');
  });

  test('with no quota the hosts show their use alone', async () => {
    await saveSettings({ hostStorageQuotaMb: '0' });
    const report = await admin.client.json('/admin/storage');
    expect(report.hosts[0]).toMatchObject({ quotaBytes: null, percentUsed: null });
    const page = await (await admin.client.get('/admin/storage')).text();
    expect(page).toContain('Quota per host: no limit');
    expect(page).not.toContain('<meter');
    await saveSettings({ hostStorageQuotaMb: '2000' });
  });

  test('only admins see it: anonymous → log in, members → 403', async () => {
    expect((await new WebClient(salon.url).get('/admin/storage', 'json')).status).toBe(401);
    const browser = await new WebClient(salon.url).get('/admin/storage');
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/login?next=%2Fadmin%2Fstorage');
    const asMember = await member.client.get('/admin/storage', 'json');
    expect(asMember.status).toBe(403);
    expect(await asMember.json()).toEqual({ error: 'Admins only' });
    const memberPage = await member.client.get('/admin/storage');
    expect(memberPage.status).toBe(403);
    expect(await memberPage.text()).not.toContain('big_host');
  });

  afterAll(async () => {
    await salon.db.deleteFrom('recordings').execute(); // clips cascade
    rmSync(join(salon.dataDir, 'recordings'), { recursive: true, force: true });
    expect(existsSync(big.dir)).toBe(false);
  });
});

describe('replay retention', () => {
  test('0 days keeps everything, however old', async () => {
    const ancient = await seedRecording({ host: 'small_host', bytes: MB, endedDaysAgo: 3000, clips: [MB] });
    expect(salon.deps.settings.get().replayRetentionDays).toBe(0);
    expect(await purgeExpiredReplays(salon.deps)).toBe(0);
    expect(await rowExists(ancient.id)).toBe(true);
    expect(existsSync(join(ancient.dir, 'replay.opus'))).toBe(true);
    expect(existsSync(ancient.clipFiles[0]!)).toBe(true);
    await salon.db.deleteFrom('recordings').where('id', '=', ancient.id).execute();
  });

  test('deletes old replays (folder, clips\' files, rows), keeps recent ones and recordings in progress', async () => {
    const old = await seedRecording({ host: 'big_host', bytes: 10 * MB, endedDaysAgo: 31, clips: [MB, 2 * MB] });
    const oldFailed = await seedRecording({ host: 'small_host', bytes: MB, endedDaysAgo: 45, status: 'failed' });
    const recent = await seedRecording({ host: 'big_host', bytes: 10 * MB, endedDaysAgo: 29, clips: [MB] });
    const processing = await seedRecording({ host: 'big_host', bytes: 10 * MB, endedDaysAgo: 60, status: 'processing' });
    const stillRecording = await seedRecording({ host: 'small_host', bytes: 10 * MB, endedDaysAgo: 60, status: 'recording' });
    const liveRoom = await seedRecording({ host: 'idle_host', bytes: MB, endedDaysAgo: null, status: 'ready' });
    await saveSettings({ replayRetentionDays: '30' });

    expect(await purgeExpiredReplays(salon.deps)).toBe(2);
    for (const gone of [old, oldFailed]) {
      expect(await rowExists(gone.id)).toBe(false);
      expect(existsSync(gone.dir)).toBe(false);
      for (const clip of gone.clipFiles) expect(existsSync(clip)).toBe(false);
    }
    expect(await salon.db.selectFrom('clips').select('id').where('recording_id', '=', old.id).execute()).toEqual([]);
    for (const kept of [recent, processing, stillRecording, liveRoom]) {
      expect(await rowExists(kept.id)).toBe(true);
      expect(existsSync(join(kept.dir, 'replay.opus'))).toBe(true);
      expect(existsSync(join(kept.dir, 'tracks/u1.webm'))).toBe(true);
    }
    expect(existsSync(recent.clipFiles[0]!)).toBe(true);
    // The room's history stays; only its recording goes.
    expect(await salon.db.selectFrom('rooms').select('id').where('id', '=', old.roomId).execute()).toHaveLength(1);
    expect(await purgeExpiredReplays(salon.deps)).toBe(0); // nothing left to do

    // The server's hourly purge runs it too (here every 50 ms).
    const olderNow = await seedRecording({ host: 'big_host', bytes: MB, endedDaysAgo: 40, clips: [MB] });
    const stop = startPeriodicPurge(salon.deps, 50);
    try {
      await waitFor(async () => !(await rowExists(olderNow.id)), 5000, 'the periodic purge');
    } finally {
      stop();
    }
    expect(existsSync(olderNow.dir)).toBe(false);
    expect(existsSync(olderNow.clipFiles[0]!)).toBe(false);
    expect(await rowExists(recent.id)).toBe(true);
    await saveSettings({ replayRetentionDays: '0' });
  });

  test('the folder purged is the recorders\' folder for that recording', () => {
    expect(recordingDirIn(salon.dataDir, 'abc123')).toBe(salon.deps.recorders.dirOf('abc123'));
  });
});

describe('salon cleanup', () => {
  const root = resolve(import.meta.dir, '../..');
  const salonCli = [process.execPath, join(root, 'src/main.ts')];
  const dataDir = tempDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('purges replays past the retention too, and says how many went', async () => {
    const env = { ...process.env, SALON_DATA_DIR: dataDir, SALON_ADMIN_PASSWORD: 'admin-password-1' };
    expect((await runCommand([...salonCli, 'create-admin', 'keeper', 'keeper@example.org'], env)).code).toBe(0);
    const file = new Database(join(dataDir, 'salon.sqlite'));
    const userId = file.query<{ id: number }, []>('select id from users').get()!.id;
    const seed = (id: string, endedDaysAgo: number, status: string) => {
      file.query("insert into rooms (id, host_id, title, status, ended_at) values (?, ?, 't', 'ended', ?)").run(`room-${id}`, userId, daysAgo(endedDaysAgo));
      file.query('insert into recordings (id, room_id, host_id, title, status, bytes) values (?, ?, ?, ?, ?, 100)').run(id, `room-${id}`, userId, 't', status);
      const dir = recordingDirIn(dataDir, id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'replay.opus'), 'audio');
      mkdirSync(join(dataDir, 'clips'), { recursive: true });
      writeFileSync(join(dataDir, 'clips', `${id}.m4a`), 'clip');
      file.query("insert into clips (id, recording_id, created_by, start_ms, duration_ms, file) values (?, ?, ?, 0, 30000, ?)").run(`clip-${id}`, id, userId, `${id}.m4a`);
      return dir;
    };
    const oldDir = seed('old', 10, 'ready');
    const newDir = seed('new', 2, 'ready');
    const busyDir = seed('busy', 10, 'processing');

    const keepAll = await runCommand([...salonCli, 'cleanup'], env);
    expect(keepAll.code).toBe(0);
    expect(keepAll.stdout.trim()).toBe('Removed 0 expired sessions.'); // retention 0: replays kept, not mentioned
    expect(existsSync(oldDir)).toBe(true);

    file.query("insert into settings (key, value) values ('replayRetentionDays', '7')").run();
    const purge = await runCommand([...salonCli, 'cleanup'], env);
    expect(purge.code).toBe(0);
    expect(purge.stdout.trim()).toBe('Removed 0 expired sessions.\nRemoved 1 replay older than 7 days.');
    expect(file.query<{ id: string }, []>('select id from recordings order by id').all()).toEqual([{ id: 'busy' }, { id: 'new' }]);
    expect(file.query<{ id: string }, []>('select id from clips order by id').all()).toEqual([{ id: 'clip-busy' }, { id: 'clip-new' }]);
    expect(existsSync(oldDir)).toBe(false);
    expect(existsSync(join(dataDir, 'clips', 'old.m4a'))).toBe(false);
    expect(existsSync(newDir)).toBe(true);
    expect(existsSync(busyDir)).toBe(true);
    expect(existsSync(join(dataDir, 'clips', 'new.m4a'))).toBe(true);
    file.close();
  });
});
