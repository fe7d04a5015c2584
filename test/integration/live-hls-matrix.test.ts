// Who may hear a live room over HLS (server-enforced, like joining it): anonymous, listener,
// speaker, co-host, host, removed, blocked, admin — for the playlist and a segment; anonymous
// listeners refused when the instance requires an account to listen.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

type Who = 'anonymous' | 'listener' | 'speaker' | 'cohost' | 'host' | 'removed' | 'blocked' | 'admin';

let salon: TestSalon;
const people = {} as Record<Exclude<Who, 'anonymous'>, Account>;
const personId = {} as Record<Exclude<Who, 'anonymous'>, string>;
let roomId: string;
let hostWs: RoomClient;
let segmentUri: string;

const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  salon = await startTestSalon();
  people.admin = await signUp(salon.url, 'hx_admin');
  for (const who of ['host', 'listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
    people[who] = await signUp(salon.url, `hx_${who}`);
    personId[who] = `u:${await idOf(`hx_${who}`)}`;
  }
  personId.admin = `u:${await idOf('hx_admin')}`;
  await people.admin.client.post(`/admin/users/${await idOf('hx_host')}/grant-host`);
  const res = await people.host.client.post('/studio/rooms', { title: 'HLS matrix' });
  expect(res.status).toBe(201);
  roomId = (await res.json()).id;
  hostWs = await RoomClient.join(people.host.client, salon.url, roomId);
  for (const who of ['listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
    await people[who].client.get(`/r/${roomId}`);
    const ws = await RoomClient.join(people[who].client, salon.url, roomId);
    if (who === 'speaker' || who === 'cohost') {
      await hostWs.request({ type: who === 'cohost' ? 'inviteCohost' : 'inviteToSpeak', target: personId[who] }, (m) => m.type === 'invited' && m.id === personId[who]);
      await ws.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === personId[who]);
    }
  }
  hostWs.send({ type: 'remove', target: personId.removed });
  await people.host.client.post('/@hx_blocked/block', {});
  await waitFor(() => !salon.deps.live.get(roomId)!.state.get(personId.blocked) && !salon.deps.live.get(roomId)!.state.get(personId.removed));
  const playlist = await (await people.host.client.get(`/r/${roomId}/live.m3u8`)).text();
  segmentUri = playlist.split('\n').find((line) => line.endsWith('.aac'))!;
  expect(segmentUri).toMatch(/^live\/\d+\.aac$/);
}, 60_000);
afterAll(async () => {
  await salon.deps.hls.close();
  await salon.dispose();
});

const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client);
const everyone: Who[] = ['anonymous', 'listener', 'speaker', 'cohost', 'host', 'removed', 'blocked', 'admin'];
const expected: Record<Who, number> = { anonymous: 200, listener: 200, speaker: 200, cohost: 200, host: 200, removed: 403, blocked: 404, admin: 200 };

describe('authorization matrix for live HLS', () => {
  test('GET /r/:id/live.m3u8 and a segment: everyone who may join the room; removed 403; blocked 404 (blocks are private)', async () => {
    for (const who of everyone) {
      const playlist = await clientOf(who).get(`/r/${roomId}/live.m3u8`, 'json');
      const segment = await clientOf(who).get(`/r/${roomId}/${segmentUri}`, 'json');
      expect([who, playlist.status, segment.status]).toEqual([who, expected[who], expected[who]]);
    }
  });

  test('an instance that requires an account to listen refuses anonymous HLS listeners (401), not signed-in ones', async () => {
    await salon.deps.settings.update({ requireAccountToListen: 'yes' });
    try {
      for (const who of everyone) {
        const res = await clientOf(who).get(`/r/${roomId}/live.m3u8`, 'json');
        expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : expected[who]]);
      }
    } finally {
      await salon.deps.settings.update({ requireAccountToListen: 'no' });
    }
  });

  test('an ended room: the final playlist for a while, with the same refusals', async () => {
    hostWs.send({ type: 'end' });
    await waitFor(() => !salon.deps.live.get(roomId), 10_000, 'the room to end');
    for (const who of everyone) {
      const res = await clientOf(who).get(`/r/${roomId}/live.m3u8`, 'json');
      expect([who, res.status]).toEqual([who, expected[who]]);
      if (res.status === 200) expect(await res.text()).toContain('#EXT-X-ENDLIST');
    }
  });
});
