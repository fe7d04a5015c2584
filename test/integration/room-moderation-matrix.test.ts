// Who may moderate a live room over HTTP, for every kind of person (server-enforced): anonymous,
// listener, speaker, co-host, host, removed, blocked, admin. Plus parallel "Start now" races.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { everyone, setUpRoleMatrix, type RoleMatrix, type Who } from '../support/role-matrix';
import { startTestSalon, type TestSalon } from '../support/salon';

let salon: TestSalon;
let matrix: RoleMatrix;
let people: RoleMatrix['people'];
let personId: RoleMatrix['personId'];
let roomId: string;
const idOf = (handle: string) => matrix.idOf(handle);

async function startRoom(host: RoleMatrix['people']['host'], title: string) {
  const res = await host.client.post('/studio/rooms', { title });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
}

beforeAll(async () => {
  salon = await startTestSalon();
  matrix = await setUpRoleMatrix(salon, 'mx');
  ({ people, personId, roomId } = matrix);
});
afterAll(() => salon.dispose());

const clientOf = (who: Who) => matrix.clientOf(who);

describe('authorization matrix for room moderation routes', () => {
  test('GET /admin/rooms: admins only', async () => {
    for (const who of everyone) {
      const res = await clientOf(who).get('/admin/rooms', 'json');
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : who === 'admin' ? 200 : 403]);
    }
  });

  test('GET /r/:id/listeners: host, co-host and admins', async () => {
    for (const who of everyone) {
      const res = await clientOf(who).get(`/r/${roomId}/listeners`, 'json');
      const expected = who === 'anonymous' ? 401 : ['host', 'cohost', 'admin'].includes(who) ? 200 : 403;
      expect([who, res.status]).toEqual([who, expected]);
    }
  });

  test('POST /r/:id/remove: admins only (hosts remove over the room socket)', async () => {
    for (const who of everyone.filter((w) => w !== 'admin')) {
      const res = await clientOf(who).post(`/r/${roomId}/remove`, { participant: personId.listener });
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : 403]);
    }
    expect(salon.deps.live.get(roomId)!.state.get(personId.listener)).toMatchObject({ id: personId.listener, role: 'listener' });
    expect((await clientOf('admin').post(`/r/${roomId}/remove`, { participant: 'not-an-id' })).status).toBe(400);
    expect((await clientOf('admin').post(`/r/${roomId}/remove`, { participant: personId.listener })).status).toBe(200);
    expect(salon.deps.live.get(roomId)!.state.get(personId.listener)).toBeUndefined();
  });

  test('POST /r/:id/end: the host and admins; nobody else', async () => {
    for (const who of everyone.filter((w) => w !== 'admin' && w !== 'host')) {
      const res = await clientOf(who).post(`/r/${roomId}/end`, {});
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : 403]);
    }
    expect(salon.deps.live.get(roomId)?.state.status).toBe('live');
    expect((await clientOf('host').post(`/r/${roomId}/end`, {})).status).toBe(200);
    expect(salon.deps.live.get(roomId)).toBeUndefined();
    const second = await startRoom(people.host, 'Matrix again');
    expect((await clientOf('admin').post(`/r/${second}/end`, {})).status).toBe(200);
    expect(salon.deps.live.get(second)).toBeUndefined();
  });
});

describe('one live room per host, enforced by the database', () => {
  test('eight parallel "Start now" make one room; the others are told where it is', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => people.host.client.post('/studio/rooms', { title: `Race ${i}` })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const live = await salon.db.selectFrom('rooms').select('id').where('host_id', '=', await idOf('mx_host')).where('status', '=', 'live').execute();
    expect(live).toHaveLength(1);
    const refused = answers.find((r) => r.status === 409)!;
    expect((await refused.json()).error).toContain(`/r/${live[0]!.id}`);
  });

  test('ending a room and starting the next at once works (the end is written first)', async () => {
    const current = (await salon.db.selectFrom('rooms').select('id').where('status', '=', 'live').where('host_id', '=', await idOf('mx_host')).executeTakeFirstOrThrow()).id;
    const [ended, started] = await Promise.all([people.host.client.post(`/r/${current}/end`, {}), people.host.client.post('/studio/rooms', { title: 'Next' })]);
    expect(ended.status).toBe(200);
    expect([201, 409]).toContain(started.status);
    const again = started.status === 201 ? started : await people.host.client.post('/studio/rooms', { title: 'Next' });
    expect(again.status).toBe(201);
  });
});
