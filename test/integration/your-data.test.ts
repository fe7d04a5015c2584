// "Your data": the JSON export holds the person's own data (and nobody else's private data); deleting
// the account needs the handle and the password (a wrong one is a 4xx naming the field), then removes
// rows and files, ends their sessions and closes their room sockets, ends the room they host, keeps the
// reports they filed without their name, and leaves no row breaking a foreign key. Authorization matrix
// for these routes and /metrics.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
const people = {} as Record<'admin' | 'host' | 'cohost' | 'member' | 'leaver' | 'friend', Account>;
const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

function pngAvatar(): Blob {
  const ffmpeg = Bun.spawnSync(['ffmpeg', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=blue:s=64x64', '-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe', 'pipe:1']);
  if (ffmpeg.exitCode !== 0) throw new Error(`ffmpeg failed: ${ffmpeg.stderr.toString()}`);
  return new Blob([new Uint8Array(ffmpeg.stdout)], { type: 'image/png' });
}

async function startRoom(host: Account, title: string) {
  const res = await host.client.post('/studio/rooms', { title });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
}

/** A finished replay of `roomId` with its folder, and a clip of it made by `clipperId`, as the recorder and clip service leave them. */
async function replayWithClip(roomId: string, hostId: number, clipperId: number) {
  const recordingId = `rec${roomId}`.slice(0, 12);
  await salon.db.insertInto('recordings').values({ id: recordingId, room_id: roomId, host_id: hostId, title: 'A replay', status: 'ready', duration_ms: 60_000 }).execute();
  const dir = join(salon.dataDir, 'recordings', recordingId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'replay.opus'), 'not really opus');
  const clipId = `clip${roomId}`.slice(0, 12);
  mkdirSync(join(salon.dataDir, 'clips'), { recursive: true });
  writeFileSync(join(salon.dataDir, 'clips', `${clipId}.opus`), 'clip');
  await salon.db.insertInto('clips').values({ id: clipId, recording_id: recordingId, created_by: clipperId, title: 'A clip', start_ms: 0, duration_ms: 30_000, file: `clips/${clipId}.opus` }).execute();
  return { recordingId, dir, clipId, clipFile: join(salon.dataDir, 'clips', `${clipId}.opus`) };
}

beforeAll(async () => {
  salon = await startTestSalon();
  people.admin = await signUp(salon.url, 'yd_admin');
  for (const who of ['host', 'cohost', 'member', 'leaver', 'friend'] as const) people[who] = await signUp(salon.url, `yd_${who}`);
  for (const who of ['host', 'leaver'] as const) expect((await people.admin.client.post(`/admin/users/${await idOf(`yd_${who}`)}/grant-host`)).status).toBeLessThan(400);
});
afterAll(() => salon.dispose());

describe('your data: export', () => {
  test('the JSON holds their profile, follows both ways, blocks made, rooms, replays with links, clips, preferences; nothing secret or private of others', async () => {
    const leaver = people.leaver.client;
    const form = new FormData();
    form.set('displayName', 'Leaver Person');
    form.set('bio', 'Here for a while');
    form.set('avatar', pngAvatar(), 'me.png');
    expect((await leaver.post('/settings/profile', form, { accept: 'html' })).status).toBe(303);
    expect((await leaver.post('/@yd_friend/follow', {})).status).toBeLessThan(400);
    expect((await people.friend.client.post('/@yd_leaver/follow', {})).status).toBeLessThan(400);
    expect((await leaver.post('/@yd_member/block', {})).status).toBeLessThan(400);
    const leaverId = await idOf('yd_leaver');
    await salon.db.insertInto('notification_preferences').values({ user_id: leaverId, kind: 'newFollower', channel: 'push', enabled: 0 }).execute();

    const res = await leaver.get('/settings/data/export', 'json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="salon-yd_leaver-\d{4}-\d\d-\d\d\.json"/);
    const data = await res.json();
    expect(data.format).toBe('salon-account-data/1');
    expect(data.profile).toMatchObject({ handle: 'yd_leaver', email: 'yd_leaver@example.org', displayName: 'Leaver Person', bio: 'Here for a while' });
    expect(data.profile.avatar).toMatch(/\/avatars\/[\w-]+\.png$/);
    expect(data.following.map((f: any) => f.handle)).toEqual(['yd_friend']);
    expect(data.followers.map((f: any) => f.handle)).toEqual(['yd_friend']);
    expect(data.blocked.map((b: any) => b.handle)).toEqual(['yd_member']);
    expect(data.notificationPreferences).toContainEqual({ kind: 'newFollower', channel: 'push', enabled: false });
    expect(data.sessions.length).toBeGreaterThanOrEqual(1);
    const text = JSON.stringify(data);
    expect(text).not.toContain('argon2'); // no password hash
    expect(text).not.toContain('yd_friend@example.org'); // nobody else's email
    expect(text).not.toContain(leaver.cookies.get('salon_session')!); // no session token
  });

  test('rooms hosted, replays with links and clips appear once they exist', async () => {
    const roomId = await startRoom(people.leaver, 'Leaver room');
    const leaverId = await idOf('yd_leaver');
    const { recordingId } = await replayWithClip(roomId, leaverId, leaverId);
    const data = await people.leaver.client.json('/settings/data/export');
    expect(data.roomsHosted).toContainEqual(expect.objectContaining({ id: roomId, title: 'Leaver room', link: `${salon.url}/r/${roomId}` }));
    expect(data.replaysHosted).toContainEqual(expect.objectContaining({ roomId, title: 'A replay', link: `${salon.url}/r/${roomId}/replay` }));
    expect(data.clipsMade).toContainEqual(expect.objectContaining({ title: 'A clip', link: expect.stringMatching(new RegExp(`^${salon.url}/c/clip`)) }));
    expect(recordingId).toBeTruthy();
  });
});

describe('your data: deleting the account', () => {
  test('a wrong handle or password is refused with the field named, and nothing is deleted', async () => {
    const leaver = people.leaver.client;
    const wrongHandle = await leaver.post('/settings/data/delete', { handle: 'yd_someone', password: people.leaver.password });
    expect(wrongHandle.status).toBe(422);
    expect(await wrongHandle.json()).toMatchObject({ field: 'handle' });
    const wrongPassword = await leaver.post('/settings/data/delete', { handle: 'yd_leaver', password: 'not-my-password' });
    expect(wrongPassword.status).toBe(422);
    expect(await wrongPassword.json()).toMatchObject({ field: 'password' });
    const page = await leaver.post('/settings/data/delete', { handle: '', password: '' }, { accept: 'html' });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('Type your handle, yd_leaver, exactly.');
    expect(await salon.db.selectFrom('users').select('id').where('handle', '=', 'yd_leaver').executeTakeFirst()).toBeDefined();
  });

  test('the page says what happens to replays, in English and French', async () => {
    const en = await (await people.leaver.client.get('/settings/data')).text();
    expect(en).toContain('their replays (1) are deleted with your account, audio files included');
    expect(en).toContain('without your name');
    const fr = await (await people.leaver.client.fetch('/settings/data', { accept: 'html', headers: { 'accept-language': 'fr' } })).text();
    expect(fr).toContain('sont supprimés avec votre compte, fichiers audio compris');
    expect(fr).toContain('Télécharger mes données (JSON)');
  });

  test('deleting: rows and files gone, reports anonymised, sessions ended, room sockets closed, their room ended, foreign keys intact', async () => {
    const leaverId = await idOf('yd_leaver');
    const hostId = await idOf('yd_host');
    const user = await salon.db.selectFrom('users').selectAll().where('id', '=', leaverId).executeTakeFirstOrThrow();
    const avatarPath = join(salon.dataDir, 'avatars', user.avatar_file!);
    expect(existsSync(avatarPath)).toBe(true);
    const ownRoom = (await salon.db.selectFrom('rooms').select('id').where('host_id', '=', leaverId).where('status', '=', 'live').executeTakeFirstOrThrow()).id;
    const ownReplay = await salon.db.selectFrom('recordings').select('id').where('room_id', '=', ownRoom).executeTakeFirstOrThrow();
    const ownDir = join(salon.dataDir, 'recordings', ownReplay.id);
    const ownClip = join(salon.dataDir, 'clips', `clip${ownRoom}`.slice(0, 12) + '.opus');

    // Someone else's room where the leaver listens, with a replay the leaver clipped and a report the leaver filed.
    const otherRoom = await startRoom(people.host, 'Host room');
    const hostWs = await RoomClient.join(people.host.client, salon.url, otherRoom);
    const leaverWs = await RoomClient.join(people.leaver.client, salon.url, otherRoom);
    const friendInOwnRoom = await RoomClient.join(people.friend.client, salon.url, ownRoom);
    const hostReplay = await replayWithClip(otherRoom, hostId, leaverId);
    const report = await salon.db.insertInto('reports').values({ reporter_id: leaverId, room_id: otherRoom, target_user_id: hostId, reason: 'testing reports' }).returning('id').executeTakeFirstOrThrow();
    const aboutThem = await salon.db.insertInto('reports').values({ reporter_id: hostId, room_id: ownRoom, target_user_id: leaverId, reason: 'about the leaver' }).returning('id').executeTakeFirstOrThrow();
    const secondSession = (await new WebClient(salon.url).post('/login', { login: 'yd_leaver', password: people.leaver.password })).status;
    expect(secondSession).toBe(200);
    expect(await salon.db.selectFrom('sessions').select('id').where('user_id', '=', leaverId).execute()).toHaveLength(2);

    const res = await people.leaver.client.post('/settings/data/delete', { handle: '@YD_Leaver', password: people.leaver.password });
    expect(res.status).toBe(200);
    expect((await res.json()).deleted).toMatchObject({ rooms: 1, replays: 1, clips: 2, reportsAnonymised: 1 });
    expect(people.leaver.client.signedIn).toBe(false); // the cookie is cleared

    // Out of the live rooms at once: their socket in the host's room, and their own room ended.
    await leaverWs.waitClosed();
    await friendInOwnRoom.waitClosed();
    expect(salon.deps.live.get(ownRoom)).toBeUndefined();
    expect(salon.deps.live.get(otherRoom)!.state.get(`u:${leaverId}`)).toBeUndefined();
    expect(hostWs.closed).toBeNull();

    // Rows.
    expect(await salon.db.selectFrom('users').select('id').where('id', '=', leaverId).executeTakeFirst()).toBeUndefined();
    expect(await salon.db.selectFrom('sessions').select('id').where('user_id', '=', leaverId).execute()).toHaveLength(0);
    expect(await salon.db.selectFrom('follows').selectAll().where((eb) => eb.or([eb('follower_id', '=', leaverId), eb('followee_id', '=', leaverId)])).execute()).toHaveLength(0);
    expect(await salon.db.selectFrom('blocks').selectAll().where('blocker_id', '=', leaverId).execute()).toHaveLength(0);
    expect(await salon.db.selectFrom('rooms').select('id').where('id', '=', ownRoom).executeTakeFirst()).toBeUndefined();
    expect(await salon.db.selectFrom('recordings').select('id').where('id', '=', ownReplay.id).executeTakeFirst()).toBeUndefined();
    expect(await salon.db.selectFrom('clips').select('id').where('created_by', '=', leaverId).execute()).toHaveLength(0);
    expect(await salon.db.selectFrom('notification_preferences').selectAll().where('user_id', '=', leaverId).execute()).toHaveLength(0);
    // The host's replay stays; only the leaver's clip of it went.
    expect(await salon.db.selectFrom('recordings').select('id').where('id', '=', hostReplay.recordingId).executeTakeFirst()).toBeDefined();
    expect(existsSync(hostReplay.dir)).toBe(true);
    // Reports they filed stay, anonymised; reports about them stay (target cleared by the foreign key).
    expect(await salon.db.selectFrom('reports').select(['reporter_id', 'reason']).where('id', '=', report.id).executeTakeFirst()).toEqual({ reporter_id: null, reason: 'testing reports' });
    expect(await salon.db.selectFrom('reports').select(['target_user_id', 'room_id']).where('id', '=', aboutThem.id).executeTakeFirst()).toEqual({ target_user_id: null, room_id: null });
    // Files.
    expect(existsSync(avatarPath)).toBe(false);
    expect(existsSync(ownDir)).toBe(false);
    expect(existsSync(ownClip)).toBe(false);
    expect(existsSync(hostReplay.clipFile)).toBe(false);
    // Nothing left pointing at a missing row.
    expect((await sql`pragma foreign_key_check`.execute(salon.db)).rows).toEqual([]);

    // The old session is dead, and the handle no longer signs in.
    expect((await people.leaver.client.get('/settings', 'json')).status).toBe(401);
    expect((await new WebClient(salon.url).post('/login', { login: 'yd_leaver', password: people.leaver.password })).status).toBe(401);
  });

  test('every table that references users.id is handled (cascade, set null, or deleted first by the service)', async () => {
    const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(salon.db)).rows.map((r) => r.name);
    const deletedFirst = new Set(['recordings.host_id', 'clips.created_by', 'replay_hidden.user_id']);
    for (const table of tables) {
      const keys = (await sql<{ table: string; from: string; on_delete: string }>`select * from pragma_foreign_key_list(${table})`.execute(salon.db)).rows;
      for (const key of keys.filter((k) => k.table === 'users')) {
        const handled = ['CASCADE', 'SET NULL'].includes(key.on_delete) || deletedFirst.has(`${table}.${key.from}`);
        expect([`${table}.${key.from}`, handled]).toEqual([`${table}.${key.from}`, true]);
      }
    }
  });
});

describe('authorization matrix: your data and /metrics', () => {
  type Who = 'anonymous' | 'member' | 'host' | 'cohost' | 'admin';
  const everyone: Who[] = ['anonymous', 'member', 'host', 'cohost', 'admin'];
  const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client);

  beforeAll(async () => {
    // A live room where the co-host is a co-host: their pages behave like everyone else's (only their own data).
    const live = await salon.db.selectFrom('rooms').select('id').where('host_id', '=', await idOf('yd_host')).where('status', '=', 'live').executeTakeFirst();
    const roomId = live?.id ?? (await startRoom(people.host, 'Matrix room'));
    const hostWs = await RoomClient.join(people.host.client, salon.url, roomId);
    const cohostWs = await RoomClient.join(people.cohost.client, salon.url, roomId);
    const cohostId = `u:${await idOf('yd_cohost')}`;
    await hostWs.request({ type: 'inviteCohost', target: cohostId }, (m) => m.type === 'invited' && m.id === cohostId);
    await cohostWs.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === cohostId);
  });

  test('GET /settings/data: signed-in people only', async () => {
    for (const who of everyone) {
      const res = await clientOf(who).get('/settings/data', 'json');
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : 200]);
    }
    const html = await clientOf('anonymous').get('/settings/data');
    expect(html.status).toBe(303);
    expect(html.headers.get('location')).toBe('/login?next=%2Fsettings%2Fdata');
  });

  test('GET /settings/data/export: each person gets only their own data (admins too)', async () => {
    for (const who of everyone) {
      const res = await clientOf(who).get('/settings/data/export', 'json');
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : 200]);
      if (who !== 'anonymous') expect((await res.json()).profile.handle).toBe(`yd_${who}`);
    }
  });

  test('POST /settings/data/delete: signed-in people, for their own account only, with their own handle and password', async () => {
    for (const who of everyone) {
      const res = await clientOf(who).post('/settings/data/delete', { handle: 'yd_member', password: people.member.password });
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : who === 'member' ? 200 : 422]);
    }
    expect(await salon.db.selectFrom('users').select('id').where('handle', '=', 'yd_member').executeTakeFirst()).toBeUndefined();
    for (const who of ['host', 'cohost', 'admin'] as const) expect(await salon.db.selectFrom('users').select('id').where('handle', '=', `yd_${who}`).executeTakeFirst()).toBeDefined();
    // Without the CSRF token nobody can be made to delete their account from another site.
    const noCsrf = await people.cohost.client.post('/settings/data/delete', { handle: 'yd_cohost', password: people.cohost.password }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(await salon.db.selectFrom('users').select('id').where('handle', '=', 'yd_cohost').executeTakeFirst()).toBeDefined();
  });

  test('GET /metrics: off by default, for everyone (admins too)', async () => {
    for (const who of everyone) {
      const res = await clientOf(who).get('/metrics', 'json');
      expect([who, res.status]).toEqual([who, 404]);
    }
  });
});
