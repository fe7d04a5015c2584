// Who may see /admin/network and open the connectivity self-test socket, for every kind of person
// (server-enforced): anonymous, listener, speaker, co-host, host, removed, blocked (people in a live
// room, in those roles), admin. Admins only: 401 without an account, 403 for everyone else.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

type Who = 'anonymous' | 'listener' | 'speaker' | 'cohost' | 'host' | 'removed' | 'blocked' | 'admin';

let salon: TestSalon;
const people = {} as Record<Exclude<Who, 'anonymous'>, Account>;
const personId = {} as Record<Exclude<Who, 'anonymous'>, string>;
let roomId: string;
let hostWs: RoomClient;

const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

async function startRoom(host: Account, title: string) {
  const res = await host.client.post('/studio/rooms', { title });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
}

beforeAll(async () => {
  salon = await startTestSalon();
  people.admin = await signUp(salon.url, 'nm_admin');
  for (const who of ['host', 'listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
    people[who] = await signUp(salon.url, `nm_${who}`);
    personId[who] = `u:${await idOf(`nm_${who}`)}`;
  }
  personId.admin = `u:${await idOf('nm_admin')}`;
  await people.admin.client.post(`/admin/users/${await idOf('nm_host')}/grant-host`);
  roomId = await startRoom(people.host, 'Matrix');
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
  await people.host.client.post('/@nm_blocked/block', {});
  await waitFor(() => !salon.deps.live.get(roomId)!.state.get(personId.blocked) && !salon.deps.live.get(roomId)!.state.get(personId.removed));
});
afterAll(() => salon.dispose());

const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client);
const everyone: Who[] = ['anonymous', 'listener', 'speaker', 'cohost', 'host', 'removed', 'blocked', 'admin'];


/** The status line's code of a WebSocket upgrade request (101 when the socket would open). */
function upgradeStatus(path: string, cookie: string): Promise<number> {
  const url = new URL(salon.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname === 'localhost' ? '127.0.0.1' : url.hostname, () => {
      socket.write(
        [`GET ${path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', ...(cookie ? [`Cookie: ${cookie}`] : []), '', ''].join('\r\n'),
      );
    });
    socket.once('data', (data) => {
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data.toString())?.[1] ?? 0));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

const cookieOf = (client: WebClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

describe('authorization matrix for the network page and the self-test socket', () => {
  test('GET /admin/network: admins only', async () => {
    for (const who of everyone) {
      for (const as of ['json', 'html'] as const) {
        const res = await clientOf(who).get('/admin/network', as);
        const anonymous = as === 'json' ? 401 : 303; // a browser is sent to the sign-in page
        expect([who, as, res.status]).toEqual([who, as, who === 'anonymous' ? anonymous : who === 'admin' ? 200 : 403]);
      }
    }
    const report = await (await clientOf('admin').get('/admin/network', 'json')).json();
    expect(report).toMatchObject({ publicUrl: '', tls: 'off', https: false, problem: 'noPublicUrl', announcedIp: '127.0.0.1', turnUrls: [] });
    expect(report.ports).toHaveLength(1);
  });

  test('WS /admin/network/self-test: admins only', async () => {
    for (const who of everyone) {
      const status = await upgradeStatus('/admin/network/self-test', who === 'anonymous' ? '' : cookieOf(people[who].client));
      expect([who, status]).toEqual([who, who === 'anonymous' ? 401 : who === 'admin' ? 101 : 403]);
    }
  });
});
