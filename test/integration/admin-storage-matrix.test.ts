// Who may see /admin/storage (storage used by recordings per host), for every kind of person in a
// live room, as in room-moderation-matrix.test.ts: anonymous, listener, speaker, co-host, host,
// removed, blocked, admin. Only admins; the host of a room sees no one's storage here.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { everyone, setUpRoleMatrix, type RoleMatrix, type Who } from '../support/role-matrix';
import { startTestSalon, type TestSalon } from '../support/salon';

let salon: TestSalon;
let matrix: RoleMatrix;
const idOf = (handle: string) => matrix.idOf(handle);

beforeAll(async () => {
  salon = await startTestSalon();
  matrix = await setUpRoleMatrix(salon, 'st');
  // Something to see: a finished recording of an earlier room of the host.
  const hostId = await idOf('st_host');
  await salon.db.insertInto('rooms').values({ id: 'earlierroom1', host_id: hostId, title: 'Earlier', status: 'ended', ended_at: new Date().toISOString() }).execute();
  await salon.db.insertInto('recordings').values({ id: 'earlierrec01', room_id: 'earlierroom1', host_id: hostId, title: 'Earlier', status: 'ready', bytes: 5 * 1024 * 1024 }).execute();
});
afterAll(() => salon.dispose());

const clientOf = (who: Who) => matrix.clientOf(who);

test('GET /admin/storage: admins only (JSON and page)', async () => {
  for (const who of everyone) {
    const res = await clientOf(who).get('/admin/storage', 'json');
    expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : who === 'admin' ? 200 : 403]);
    const body = await res.json();
    if (who === 'admin') expect(body.hosts).toEqual([expect.objectContaining({ handle: 'st_host', recordingBytes: 5 * 1024 * 1024, replays: 1 })]);
    else expect(JSON.stringify(body)).not.toContain('st_host');
    const html = await clientOf(who).get('/admin/storage');
    expect([who, html.status]).toEqual([who, who === 'anonymous' ? 303 : who === 'admin' ? 200 : 403]);
    if (who !== 'admin') expect(await html.text()).not.toContain('5 MB');
  }
});
