// The admin dashboard (/admin) and host analytics (/r/<id>/analytics): numbers with a live room,
// the SVG charts, a finished room's analytics from known join and leave times, listener samples
// taken on a (shortened) interval, and who may see each page.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';
import { joinWithWerift, type WeriftListener } from '../support/werift-listener';

type Who = 'anonymous' | 'member' | 'host' | 'cohost' | 'removed' | 'blocked' | 'admin';

let salon: TestSalon;
const people = {} as Record<Exclude<Who, 'anonymous'>, Account>;
const uid = {} as Record<Exclude<Who, 'anonymous'>, number>;
let roomId: string;
let hostWs: RoomClient;
let listeners: RoomClient[] = [];
let werift: WeriftListener;
const sampleEveryMs = 250;

const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
const join = async (account: Account) => {
  await account.client.get(`/r/${roomId}`);
  return RoomClient.join(account.client, salon.url, roomId);
};

beforeAll(async () => {
  salon = await startTestSalon();
  salon.deps.roomAnalytics.sampleEveryMs = sampleEveryMs; // a minute in production
  people.admin = await signUp(salon.url, 'db_admin');
  for (const who of ['host', 'cohost', 'member', 'removed', 'blocked'] as const) {
    people[who] = await signUp(salon.url, `db_${who}`);
    uid[who] = await idOf(`db_${who}`);
  }
  uid.admin = await idOf('db_admin');
  await people.admin.client.post(`/admin/users/${uid.host}/grant-host`);
  const res = await people.host.client.post('/studio/rooms', { title: 'Numbers' });
  roomId = (await res.json()).id;
  hostWs = await RoomClient.join(people.host.client, salon.url, roomId);
  for (const who of ['cohost', 'member', 'removed', 'blocked'] as const) listeners.push(await join(people[who]));
  const cohostId = `u:${uid.cohost}`;
  await hostWs.request({ type: 'inviteCohost', target: cohostId }, (m) => m.type === 'invited' && m.id === cohostId);
  await listeners[0]!.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === cohostId);
  werift = await joinWithWerift(salon.url, roomId); // an anonymous listener with a real receive transport
});
afterAll(async () => {
  await werift?.close().catch(() => {});
  await salon.dispose();
});

describe('the admin dashboard', () => {
  test('live rooms, workers, sessions, sockets, storage, open reports', async () => {
    await salon.db.insertInto('reports').values({ reporter_id: uid.member, room_id: roomId, reason: 'rude', status: 'open' }).execute();
    await salon.db.insertInto('reports').values({ reporter_id: uid.member, room_id: roomId, reason: 'old', status: 'handled' }).execute();
    const d = await people.admin.client.json('/admin');
    const room = d.rooms.find((r: { id: string }) => r.id === roomId);
    // Listeners: member, removed, blocked (accounts) and the anonymous werift listener; on stage: host and co-host.
    expect(room).toMatchObject({ title: 'Numbers', hostHandle: 'db_host', listeners: 4, speakers: 2 });
    expect(d.workers).toHaveLength(1);
    const [worker] = d.workers;
    expect(worker.pid).toBeGreaterThan(0);
    expect(typeof worker.cpuPercent).toBe('number');
    expect(worker.routers).toBeGreaterThanOrEqual(1);
    expect(worker.listeners).toBe(1); // only the werift listener has a receive transport
    expect(worker.listenerStreams).toBe(2); // one listener × two people on stage
    expect(d.sessions).toBeGreaterThanOrEqual(6);
    expect(d.sockets).toBe(6);
    expect(d.storage.databaseBytes).toBeGreaterThan(0);
    expect(d.storage.avatarBytes).toBe(0);
    expect(d.openReports).toBe(1);
    expect(d.signupsPerDay).toHaveLength(30);
    expect(d.signupsPerDay.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), count: 6 });
    expect(d.roomsPerDay.at(-1).count).toBe(1);
    expect(d.roomsPerDay.slice(0, -1).every((c: { count: number }) => c.count === 0)).toBe(true);
  });

  test('the page: SVG bar charts with a bar per day, a link into each live room', async () => {
    const res = await people.admin.client.get('/admin');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const id of ['chart-signups', 'chart-rooms']) {
      const svg = html.slice(html.indexOf(`id="${id}"`), html.indexOf('</svg>', html.indexOf(`id="${id}"`)));
      expect(svg.match(/<rect class="bar"/g)).toHaveLength(30);
    }
    expect(html).toContain(`href="/r/${roomId}"`);
    expect(html).toContain('Join as moderator');
    expect(html).toContain('aria-current="page">Dashboard');
    expect(html).not.toContain('cdn');
  });
});

describe('host analytics', () => {
  test('samples are written on the interval while the room is live', async () => {
    await waitFor(async () => (await salon.db.selectFrom('room_listener_samples').selectAll().where('room_id', '=', roomId).where('listeners', '=', 4).execute()).length >= 3, 5000, 'three samples with 4 listeners');
    const samples = await salon.db.selectFrom('room_listener_samples').selectAll().where('room_id', '=', roomId).orderBy('at').execute();
    const gaps = samples.slice(1).map((s, i) => Date.parse(s.at) - Date.parse(samples[i]!.at));
    expect(Math.min(...gaps.slice(1))).toBeGreaterThanOrEqual(sampleEveryMs - 50);
  });

  test('reactions, raised hands and talk time are counted', async () => {
    const member = listeners[1]!;
    member.send({ type: 'react', emoji: '👏' });
    member.send({ type: 'react', emoji: '🔥' });
    await member.request({ type: 'raiseHand' }, (m) => m.type === 'handRaised');
    // Who is audible comes from the room's audio-level observer; drive its observers as it would.
    const media = salon.deps.media.find(roomId)!;
    for (const observer of media.speakingObservers) observer([`u:${uid.host}`]);
    await Bun.sleep(300);
    for (const observer of media.speakingObservers) observer([`u:${uid.host}`, `u:${uid.cohost}`]);
    await Bun.sleep(200);
    for (const observer of media.speakingObservers) observer([]);
    const live = await people.host.client.json(`/r/${roomId}/analytics`);
    expect(live).toMatchObject({ reactions: 2, handRaises: 1 });
  });

  test("a finished room's numbers", async () => {
    listeners[3]!.send({ type: 'leave' }); // db_blocked leaves before the end
    hostWs.send({ type: 'end' });
    await hostWs.waitClosed();
    await salon.deps.live.endingsWritten();
    await salon.deps.roomAnalytics.settled();
    // Known times: the room ran 10:00-11:00; two accounts listened 30 and 10 minutes, the anonymous one 20.
    const day = '2026-01-15T';
    await salon.db.updateTable('rooms').set({ started_at: `${day}10:00:00.000Z`, ended_at: `${day}11:00:00.000Z` }).where('id', '=', roomId).execute();
    const rows = await salon.db.selectFrom('room_participants').selectAll().where('room_id', '=', roomId).execute();
    const times: Record<string, [string, string]> = {
      [`u:${uid.member}`]: ['10:00', '10:30'],
      [`u:${uid.removed}`]: ['10:05', '10:15'],
      [`u:${uid.blocked}`]: ['10:10', '10:10'],
      [`u:${uid.cohost}`]: ['10:00', '11:00'],
      [`u:${uid.host}`]: ['10:00', '11:00'],
    };
    for (const row of rows) {
      const key = row.user_id === null ? 'anonymous' : `u:${row.user_id}`;
      const [from, to] = times[key] ?? ['10:20', '10:40'];
      await salon.db.updateTable('room_participants').set({ joined_at: `${day}${from}:00.000Z`, left_at: `${day}${to}:00.000Z` }).where('id', '=', row.id).execute();
    }
    await salon.db.insertInto('recordings').values({ id: 'rec-numbers', room_id: roomId, host_id: uid.host, title: 'Numbers', plays: 4 }).execute();
    await salon.db.insertInto('clips').values({ id: 'clip-numbers', recording_id: 'rec-numbers', created_by: uid.member, start_ms: 0, duration_ms: 5000, file: 'x.m4a', plays: 3 }).execute();

    const r = await people.host.client.json(`/r/${roomId}/analytics`);
    // Unique listeners: member, removed, blocked, the co-host (accounts) + the anonymous one; the host is not counted.
    expect(r).toMatchObject({ uniqueListeners: 5, uniqueAccounts: 4, uniqueAnonymous: 1, reactions: 2, handRaises: 1, replayPlays: 4, clipPlays: 3 });
    expect(r.listeningMinutes).toBe(30 + 10 + 0 + 60 + 20);
    expect(r.averageListenMs).toBe((120 / 5) * 60_000);
    expect(r.peakListeners).toBeGreaterThanOrEqual(4);
    expect(r.samples.length).toBeGreaterThanOrEqual(3);
    expect(r.speakerCount).toBe(2);
    const talk = Object.fromEntries(r.speakers.map((s: { handle: string; talkMs: number }) => [s.handle, s.talkMs]));
    expect(talk.db_host).toBeGreaterThanOrEqual(450);
    expect(talk.db_host).toBeLessThan(2000);
    expect(talk.db_cohost).toBeGreaterThanOrEqual(150);
    expect(talk.db_host).toBeGreaterThan(talk.db_cohost);
    const stats = await salon.db.selectFrom('room_stats').selectAll().where('room_id', '=', roomId).executeTakeFirstOrThrow();
    expect(stats).toMatchObject({ reactions: 2, hand_raises: 1 });

    const page = await (await people.host.client.get(`/r/${roomId}/analytics`)).text();
    expect(page).toContain('id="chart-listeners"');
    expect(page.match(/<circle class="point"/g)).toHaveLength(r.samples.length);
    expect(page).toContain('<polyline class="line"');
    expect(page).toContain('24 min 00 s'); // average time listened
  });

  test('the studio and the replay page link to the analytics', async () => {
    const studio = await (await people.host.client.get('/studio')).text();
    expect(studio).toContain(`href="/r/${roomId}/analytics"`);
  });
});

describe('authorization matrix for the dashboard, the audit log and room analytics', () => {
  beforeAll(async () => {
    // db_removed and db_blocked were co-hosts too; then one was removed from the room and the other blocked by the host: neither sees it now.
    await salon.db.updateTable('room_participants').set({ top_role: 'cohost' }).where('room_id', '=', roomId).where('user_id', 'in', [uid.removed, uid.blocked]).execute();
    await salon.db.insertInto('room_removals').values({ room_id: roomId, participant_key: `u:${uid.removed}`, removed_by: uid.host }).execute();
    await people.host.client.post('/@db_blocked/block', {});
  });
  const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client);
  const everyone: Who[] = ['anonymous', 'member', 'host', 'cohost', 'removed', 'blocked', 'admin'];

  for (const path of ['/admin', '/admin/audit']) {
    test(`GET ${path}: admins only`, async () => {
      for (const who of everyone) {
        const res = await clientOf(who).get(path, 'json');
        expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : who === 'admin' ? 200 : 403]);
      }
    });
  }

  test('GET /r/:id/analytics: the host, its co-hosts and admins', async () => {
    const allowed: Who[] = ['host', 'cohost', 'admin'];
    for (const who of everyone) {
      const res = await clientOf(who).get(`/r/${roomId}/analytics`, 'json');
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : allowed.includes(who) ? 200 : 403]);
    }
    expect((await people.admin.client.get('/r/nosuchroom/analytics', 'json')).status).toBe(404);
    const browser = await new WebClient(salon.url).get(`/r/${roomId}/analytics`);
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/r/${roomId}/analytics`)}`);
  });
});
