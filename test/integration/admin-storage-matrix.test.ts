// Who may see /admin/storage (storage used by recordings per host), for every kind of person in a
// live room, as in room-moderation-matrix.test.ts: anonymous, listener, speaker, co-host, host,
// removed, blocked, admin. Only admins; the host of a room sees no one's storage here.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

type Who = 'anonymous' | 'listener' | 'speaker' | 'cohost' | 'host' | 'removed' | 'blocked' | 'admin';

let salon: TestSalon;
const people = {} as Record<Exclude<Who, 'anonymous'>, Account>;
const personId = {} as Record<Exclude<Who, 'anonymous'>, string>;

const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  salon = await startTestSalon();
  people.admin = await signUp(salon.url, 'st_admin');
  for (const who of ['host', 'listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
    people[who] = await signUp(salon.url, `st_${who}`);
    personId[who] = `u:${await idOf(`st_${who}`)}`;
  }
  await people.admin.client.post(`/admin/users/${await idOf('st_host')}/grant-host`);
  const started = await people.host.client.post('/studio/rooms', { title: 'Storage matrix' });
  expect(started.status).toBe(201);
  const roomId = (await started.json()).id as string;
  const hostWs = await RoomClient.join(people.host.client, salon.url, roomId);
  for (const who of ['listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
    await people[who].client.get(`/r/${roomId}`);
    const ws = await RoomClient.join(people[who].client, salon.url, roomId);
    if (who === 'speaker' || who === 'cohost') {
      await hostWs.request({ type: who === 'cohost' ? 'inviteCohost' : 'inviteToSpeak', target: personId[who] }, (m) => m.type === 'invited' && m.id === personId[who]);
      await ws.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === personId[who]);
    }
  }
  hostWs.send({ type: 'remove', target: personId.removed });
  await people.host.client.post('/@st_blocked/block', {});
  await waitFor(() => !salon.deps.live.get(roomId)!.state.get(personId.blocked) && !salon.deps.live.get(roomId)!.state.get(personId.removed));
  // Something to see: a finished recording of an earlier room of the host.
  const hostId = await idOf('st_host');
  await salon.db.insertInto('rooms').values({ id: 'earlierroom1', host_id: hostId, title: 'Earlier', status: 'ended', ended_at: new Date().toISOString() }).execute();
  await salon.db.insertInto('recordings').values({ id: 'earlierrec01', room_id: 'earlierroom1', host_id: hostId, title: 'Earlier', status: 'ready', bytes: 5 * 1024 * 1024 }).execute();
});
afterAll(() => salon.dispose());

const everyone: Who[] = ['anonymous', 'listener', 'speaker', 'cohost', 'host', 'removed', 'blocked', 'admin'];
const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client);

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
