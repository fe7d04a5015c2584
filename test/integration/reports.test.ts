// Reports from filing to decision, against a real server: refusals (yourself, nobody, someone not in
// the room, too many), the stage snapshot, every admin action and its effect (warn → a notification,
// remove from the live room, end it, suspend, delete a replay or a clip), the reporter told, hosts'
// read-only view without the reporter, and the authorization matrix of the new routes.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { makeReplay } from '../support/replay-fixture';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

type Who = 'anonymous' | 'member' | 'host' | 'cohost' | 'admin';

let salon: TestSalon;
const people = {} as Record<'admin' | 'host' | 'cohost' | 'member' | 'reporter' | 'target' | 'outsider' | 'spammer', Account>;
const ids = {} as Record<keyof typeof people, number>;
let roomId: string;
let hostWs: RoomClient;
let reporterWs: RoomClient;

const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
const reportsOf = (reporterId: number) => salon.db.selectFrom('reports').selectAll().where('reporter_id', '=', reporterId).orderBy('id').execute();
const notificationsOf = (userId: number, kind: string) => salon.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).where('kind', '=', kind).execute();

async function startRoom(host: Account, title: string) {
  const res = await host.client.post('/studio/rooms', { title });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
}

async function join(who: Account, room: string) {
  await who.client.get(`/r/${room}`);
  return RoomClient.join(who.client, salon.url, room);
}

/** Files a report over the room socket and returns the reply. */
const fileReport = (ws: RoomClient, target: string | undefined, reason: string, ref: string) => ws.request({ type: 'report', ...(target ? { target } : {}), reason, ref }, (m) => m.ref === ref);

beforeAll(async () => {
  salon = await startTestSalon();
  for (const who of ['admin', 'host', 'cohost', 'member', 'reporter', 'target', 'outsider', 'spammer'] as const) {
    people[who] = await signUp(salon.url, `rp_${who}`); // the first account is the admin
    ids[who] = await idOf(`rp_${who}`);
  }
  await people.admin.client.post(`/admin/users/${ids.host}/grant-host`);
  roomId = await startRoom(people.host, 'Reported room');
  hostWs = await join(people.host, roomId);
  const cohostWs = await join(people.cohost, roomId);
  await hostWs.request({ type: 'inviteCohost', target: `u:${ids.cohost}` }, (m) => m.type === 'invited');
  await cohostWs.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === `u:${ids.cohost}`);
  reporterWs = await join(people.reporter, roomId);
  await join(people.target, roomId);
  await join(people.spammer, roomId);
});
afterAll(() => salon.dispose());

describe('filing a report', () => {
  test('yourself, nobody, or someone not in the room: a clear error, nothing stored', async () => {
    const self = await fileReport(reporterWs, `u:${ids.reporter}`, 'me', 'self');
    expect(self).toMatchObject({ type: 'error', code: 'invalidMessage' });
    expect(self.message).toContain('yourself');
    expect(await fileReport(reporterWs, 'u:999999', 'ghost', 'ghost')).toMatchObject({ type: 'error', code: 'notFound' });
    const absent = await fileReport(reporterWs, `u:${ids.outsider}`, 'not here', 'absent');
    expect(absent).toMatchObject({ type: 'error', code: 'invalidMessage' });
    expect(absent.message).toContain('not in this room');
    // Over HTTP: the same rules, as 4xx.
    expect((await people.reporter.client.post(`/r/${roomId}/report`, { reason: 'x', target: 'rp_outsider' })).status).toBe(422);
    expect((await people.reporter.client.post(`/r/${roomId}/report`, { reason: 'x', target: 'rp_reporter' })).status).toBe(422);
    expect(await reportsOf(ids.reporter)).toHaveLength(0);
    salon.deps.limiter.reset(`report:${ids.reporter}`); // refused attempts count against the rate too
  });

  test('a report keeps who was on stage', async () => {
    expect((await fileReport(reporterWs, `u:${ids.target}`, 'insults', 'ok'))).toMatchObject({ type: 'reported' });
    const [report] = await reportsOf(ids.reporter);
    expect(report).toMatchObject({ room_id: roomId, target_user_id: ids.target, target_participant: `u:${ids.target}`, status: 'open', reason: 'insults' });
    const snapshot = JSON.parse(report!.stage_snapshot!);
    expect(snapshot.stage.map((p: { id: string; role: string }) => [p.id, p.role]).sort()).toEqual([[`u:${ids.cohost}`, 'cohost'], [`u:${ids.host}`, 'host']].sort());
    expect(snapshot.listenerCount).toBeGreaterThanOrEqual(3);
  });

  test('five reports per ten minutes per reporter; the sixth is refused (socket and HTTP)', async () => {
    const ws = await join(people.spammer, roomId);
    for (let i = 0; i < 5; i++) expect(await fileReport(ws, i % 2 ? undefined : `u:${ids.target}`, `spam ${i}`, `s${i}`)).toMatchObject({ type: 'reported' });
    expect(await fileReport(ws, undefined, 'one more', 's5')).toMatchObject({ type: 'error', code: 'rateLimited' });
    expect((await people.spammer.client.post(`/r/${roomId}/report`, { reason: 'again' })).status).toBe(429);
    expect(await reportsOf(ids.spammer)).toHaveLength(5);
  });
});

async function newReport(reporter: Account, ws: RoomClient, target: number | null, reason: string) {
  salon.deps.limiter.reset(`report:${ids[reporter.handle.replace('rp_', '') as keyof typeof ids]}`); // the rate limit is tested above
  expect(await fileReport(ws, target ? `u:${target}` : undefined, reason, `r-${reason}`)).toMatchObject({ type: 'reported' });
  const rows = await salon.db.selectFrom('reports').select('id').where('reason', '=', reason).execute();
  return rows[0]!.id;
}

const decide = (id: number, action: string, fields: Record<string, string> = {}) => people.admin.client.post(`/admin/reports/${id}/${action}`, fields);

describe('admin decisions', () => {
  test('warn: the reported person gets a warning, the reporter is told, the report is handled', async () => {
    const id = await newReport(people.reporter, reporterWs, ids.target, 'warn me');
    const res = await decide(id, 'warn', { note: 'first time' });
    expect(res.status).toBe(200);
    expect((await res.json()).report).toMatchObject({ status: 'handled', decision: 'warned', handled_by: ids.admin, decision_note: 'first time' });
    await waitFor(async () => (await notificationsOf(ids.target, 'moderationWarning')).length === 1, 5000, 'the warning');
    const told = await notificationsOf(ids.reporter, 'reportHandled');
    expect(told.map((n) => n.dedupe_key)).toContain(`reportHandled:${id}`);
    expect(told.find((n) => n.dedupe_key === `reportHandled:${id}`)!.payload).not.toContain('rp_target'); // generic words
    await waitFor(async () => (await salon.db.selectFrom('audit_log').selectAll().where('action', '=', 'report.decide').execute()).some((a) => a.target_id === String(id)), 5000, 'the audit entry');
  });

  test('dismiss: handled with no action; the reporter is told', async () => {
    const id = await newReport(people.reporter, reporterWs, null, 'dismiss me');
    expect((await decide(id, 'dismiss')).status).toBe(200);
    const row = await salon.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'handled', decision: 'dismissed' });
    expect((await notificationsOf(ids.reporter, 'reportHandled')).some((n) => n.dedupe_key === `reportHandled:${id}`)).toBe(true);
  });

  test('remove from the live room: they are out and cannot come back; a second removal is a conflict', async () => {
    const id = await newReport(people.reporter, reporterWs, ids.target, 'remove them');
    expect((await decide(id, 'remove')).status).toBe(200);
    const live = salon.deps.live.get(roomId)!;
    expect(live.state.get(`u:${ids.target}`)).toBeUndefined();
    expect(live.removed.has(`u:${ids.target}`)).toBe(true);
    expect((await decide(id, 'remove')).status).toBe(409);
    expect((await decide(id, 'nonsense')).status).toBe(404);
    expect((await decide(999999, 'dismiss')).status).toBe(404);
  });

  test('suspend the account', async () => {
    const id = await newReport(people.reporter, reporterWs, ids.spammer, 'suspend them');
    expect((await decide(id, 'suspend')).status).toBe(200);
    const user = await salon.db.selectFrom('users').select('suspended_at').where('id', '=', ids.spammer).executeTakeFirstOrThrow();
    expect(user.suspended_at).not.toBeNull();
  });

  test('end the room (a room no longer live cannot be ended again)', async () => {
    const id = await newReport(people.reporter, reporterWs, null, 'end it');
    expect((await decide(id, 'end')).status).toBe(200);
    expect(salon.deps.live.get(roomId)).toBeUndefined();
    expect((await decide(id, 'end')).status).toBe(409);
  });

  test('delete a clip, then the replay of the reported room', async () => {
    const other = await startRoom(people.host, 'Recorded and reported');
    await join(people.host, other);
    const ws = await join(people.member, other);
    const id = await newReport(people.member, ws, ids.host, 'bad replay');
    expect((await people.host.client.post(`/r/${other}/end`, {})).status).toBe(200);
    const fixture = await makeReplay(salon, { roomId: other, hostId: ids.host, speakers: [] });
    mkdirSync(joinPath(salon.dataDir, 'clips'), { recursive: true });
    writeFileSync(joinPath(salon.dataDir, 'clips', 'rpclip.m4a'), 'x');
    await salon.db.insertInto('clips').values({ id: 'rpclip01', recording_id: fixture.recordingId, created_by: ids.member, start_ms: 0, duration_ms: 1000, file: 'clips/rpclip.m4a', expires_at: null }).execute();
    expect((await decide(id, 'deleteClip', { clip: 'nope' })).status).toBe(404);
    expect((await decide(id, 'deleteClip', { clip: 'rpclip01' })).status).toBe(200);
    expect(await salon.db.selectFrom('clips').select('id').where('id', '=', 'rpclip01').executeTakeFirst()).toBeUndefined();
    expect((await decide(id, 'deleteReplay')).status).toBe(200);
    expect(await salon.db.selectFrom('recordings').select('id').where('room_id', '=', other).executeTakeFirst()).toBeUndefined();
    expect((await salon.db.selectFrom('reports').select('decision').where('id', '=', id).executeTakeFirstOrThrow()).decision).toBe('contentDeleted');
  });
});

describe("hosts' view", () => {
  test('the host sees reports about their rooms, never who filed them; others see none of them', async () => {
    const mine = await (await people.host.client.get('/studio/reports', 'json')).json();
    expect(mine.reports.length).toBeGreaterThanOrEqual(5);
    expect(mine.reports.every((r: Record<string, unknown>) => !('reporter_id' in r) && !('reporter_handle' in r))).toBe(true);
    expect(JSON.stringify(mine)).not.toContain('rp_reporter');
    const page = await (await people.host.client.get('/studio/reports', 'html')).text();
    expect(page).toContain('Reported room');
    expect(page).not.toContain('rp_reporter');
    expect((await (await people.member.client.get('/studio/reports', 'json')).json()).reports).toEqual([]);
  });

  test('the admin lists open and handled reports', async () => {
    const open = await (await people.admin.client.get('/admin/reports?status=open', 'json')).json();
    const handled = await (await people.admin.client.get('/admin/reports?status=handled', 'json')).json();
    expect(open.reports.every((r: { status: string }) => r.status === 'open')).toBe(true);
    expect(handled.reports.map((r: { decision: string }) => r.decision)).toContain('warned');
    const html = await (await people.admin.client.get('/admin/reports?status=handled', 'html')).text();
    expect(html).toContain('rp_reporter');
    expect(html).toContain('Warned');
  });
});

describe('authorization matrix for the report routes', () => {
  const everyone: Who[] = ['anonymous', 'member', 'host', 'cohost', 'admin'];
  const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client);
  let reportId: number;
  beforeAll(async () => {
    const room = await startRoom(people.host, 'Matrix room');
    const ws = await join(people.reporter, room);
    await join(people.cohost, room);
    reportId = await newReport(people.reporter, ws, null, 'matrix');
  });

  test('GET /admin/reports: admins only', async () => {
    for (const who of everyone) {
      const res = await clientOf(who).get('/admin/reports', 'json');
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : who === 'admin' ? 200 : 403]);
    }
  });

  test('GET /admin/reports/:id/evidence: admins only (404 without evidence)', async () => {
    for (const who of everyone) {
      const res = await clientOf(who).get(`/admin/reports/${reportId}/evidence`, 'json');
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : who === 'admin' ? 404 : 403]);
    }
  });

  test('POST /admin/reports/:id/:action: admins only; the host of the room cannot decide', async () => {
    for (const who of everyone.filter((w) => w !== 'admin')) {
      const res = await clientOf(who).post(`/admin/reports/${reportId}/dismiss`, {});
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : 403]);
    }
    expect((await salon.db.selectFrom('reports').select('status').where('id', '=', reportId).executeTakeFirstOrThrow()).status).toBe('open');
    expect((await clientOf('admin').post(`/admin/reports/${reportId}/dismiss`, {})).status).toBe(200);
  });

  test('GET /studio/reports: signed-in people, each their own rooms', async () => {
    for (const who of everyone) {
      const res = await clientOf(who).get('/studio/reports', 'json');
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : 200]);
      if (res.status !== 200) continue;
      const { reports } = await res.json();
      expect([who, reports.some((r: { reason: string }) => r.reason === 'matrix')]).toEqual([who, who === 'host']);
    }
  });
});
