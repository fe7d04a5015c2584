// Who may do what with a scheduled room, server-enforced, for every kind of person: anonymous,
// member (a listener-to-be), invited speaker, invited co-host, host, blocked (by the host), admin.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { utcToLocalInput } from '../../src/schedules/time-zones';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

type Who = 'anonymous' | 'member' | 'speaker' | 'cohost' | 'host' | 'blocked' | 'admin';
const everyone: Who[] = ['anonymous', 'member', 'speaker', 'cohost', 'host', 'blocked', 'admin'];

let salon: TestSalon;
const people = {} as Record<Exclude<Who, 'anonymous'>, Account>;
const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client);
const inHours = (h: number) => utcToLocalInput(new Date(Date.now() + h * 3600_000), 'UTC');
const statusOf = async (id: string) => (await salon.db.selectFrom('scheduled_rooms').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

async function newRoom(hoursAhead = 24): Promise<string> {
  const res = await people.host.client.post('/studio/schedule', { title: 'Matrix', timeZone: 'UTC', startsAt: inHours(hoursAhead), speakers: '@sa_speaker', cohosts: '@sa_cohost' });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

beforeAll(async () => {
  salon = await startTestSalon();
  people.admin = await signUp(salon.url, 'sa_admin'); // first account: admin
  for (const who of ['host', 'member', 'speaker', 'cohost', 'blocked'] as const) people[who] = await signUp(salon.url, `sa_${who}`);
  const hostId = (await salon.db.selectFrom('users').select('id').where('handle', '=', 'sa_host').executeTakeFirstOrThrow()).id;
  await people.admin.client.post(`/admin/users/${hostId}/grant-host`);
  await people.host.client.post('/@sa_blocked/block');
});
afterAll(() => salon.dispose());

const expectStatuses = (actual: [Who, number][], expected: (who: Who) => number) => expect(actual).toEqual(actual.map(([who]) => [who, expected(who)]));

describe('authorization matrix for scheduled rooms', () => {
  test('POST /studio/schedule: people allowed to host (the host, the admin)', async () => {
    const results: [Who, number][] = [];
    for (const who of everyone) results.push([who, (await clientOf(who).post('/studio/schedule', { title: 'x', timeZone: 'UTC', startsAt: inHours(5) })).status]);
    expectStatuses(results, (who) => (who === 'anonymous' ? 401 : who === 'host' || who === 'admin' ? 201 : 403));
  });

  test('GET /r/:id, its JSON and its .ics: everyone but the blocked (404)', async () => {
    const id = await newRoom();
    for (const path of [`/r/${id}`, `/r/${id}/calendar.ics`]) {
      const results: [Who, number][] = [];
      for (const who of everyone) results.push([who, (await clientOf(who).get(path)).status]);
      expectStatuses(results, (who) => (who === 'blocked' ? 404 : 200));
    }
    const results: [Who, number][] = [];
    for (const who of everyone) results.push([who, (await clientOf(who).get('/@sa_host/calendar.ics')).status]);
    expectStatuses(results, (who) => (who === 'blocked' ? 404 : 200));
  });

  test('GET and POST /r/:id/edit: the host only', async () => {
    const id = await newRoom();
    const form = { title: 'Changed', timeZone: 'UTC', startsAt: inHours(30), speakers: '@sa_speaker', cohosts: '@sa_cohost' };
    const gets: [Who, number][] = [];
    const posts: [Who, number][] = [];
    for (const who of everyone) {
      gets.push([who, (await clientOf(who).get(`/r/${id}/edit`)).status]);
      if (who !== 'host') posts.push([who, (await clientOf(who).post(`/r/${id}/edit`, form)).status]);
    }
    expectStatuses(gets, (who) => (who === 'anonymous' ? 303 : who === 'host' ? 200 : 404)); // anonymous pages go to the log-in form
    expectStatuses(posts, (who) => (who === 'anonymous' ? 401 : 403));
    expect((await clientOf('host').post(`/r/${id}/edit`, form)).status).toBe(200);
    expect((await salon.db.selectFrom('scheduled_rooms').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title).toBe('Changed');
  });

  test('POST /r/:id/start: the host only (within the window)', async () => {
    const id = await newRoom(0.1); // in 6 minutes: startable
    const results: [Who, number][] = [];
    for (const who of everyone.filter((w) => w !== 'host')) results.push([who, (await clientOf(who).post(`/r/${id}/start`)).status]);
    expectStatuses(results, (who) => (who === 'anonymous' ? 401 : 403));
    expect(await statusOf(id)).toBe('scheduled');
    expect((await clientOf('host').post(`/r/${id}/start`)).status).toBe(201);
    salon.deps.live.get(id)?.end('host');
  });

  test('POST /r/:id/cancel: the host and admins', async () => {
    const id = await newRoom();
    const results: [Who, number][] = [];
    for (const who of everyone.filter((w) => w !== 'host' && w !== 'admin')) results.push([who, (await clientOf(who).post(`/r/${id}/cancel`)).status]);
    expectStatuses(results, (who) => (who === 'anonymous' ? 401 : 403));
    expect(await statusOf(id)).toBe('scheduled');
    expect((await clientOf('admin').post(`/r/${id}/cancel`)).status).toBe(200);
    expect(await statusOf(id)).toBe('cancelled');
    const other = await newRoom();
    expect((await clientOf('host').post(`/r/${other}/cancel`)).status).toBe(200);
  });

  test('POST /r/:id/invitation: the invited speaker and co-host only', async () => {
    const id = await newRoom();
    const results: [Who, number][] = [];
    for (const who of everyone) results.push([who, (await clientOf(who).post(`/r/${id}/invitation`, { answer: 'accept' })).status]);
    expectStatuses(results, (who) => (who === 'anonymous' ? 401 : who === 'speaker' || who === 'cohost' ? 200 : who === 'blocked' ? 404 : 403));
    expect((await clientOf('speaker').post(`/r/${id}/invitation`, { answer: 'maybe' })).status).toBe(400);
  });

  test('POST /r/:id/remind and /remind/cancel: signed-in people who may see the room', async () => {
    const id = await newRoom();
    for (const path of [`/r/${id}/remind`, `/r/${id}/remind/cancel`]) {
      const results: [Who, number][] = [];
      for (const who of everyone) results.push([who, (await clientOf(who).post(path)).status]);
      expectStatuses(results, (who) => (who === 'anonymous' ? 401 : who === 'blocked' ? 404 : 200));
    }
    // Anonymous visitors see a sign-in link instead of the button.
    expect(await (await clientOf('anonymous').get(`/r/${id}`)).text()).toContain(`/login?next=${encodeURIComponent(`/r/${id}`)}`);
  });

  test('the blocked cannot be invited; unknown ids are 404 everywhere', async () => {
    const res = await people.host.client.post('/studio/schedule', { title: 'x', timeZone: 'UTC', startsAt: inHours(5), speakers: '@sa_blocked' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'speakers', error: 'You cannot invite @sa_blocked.' });
    for (const [method, path] of [['GET', '/r/zzzzzzzz/calendar.ics'], ['POST', '/r/zzzzzzzz/remind'], ['POST', '/r/zzzzzzzz/start'], ['POST', '/r/zzzzzzzz/cancel'], ['GET', '/r/zzzzzzzz/edit']] as const) {
      const res = method === 'GET' ? await clientOf('host').get(path, 'json') : await clientOf('host').post(path);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });
});
