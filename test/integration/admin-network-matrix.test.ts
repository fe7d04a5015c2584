// Who may see /admin/network and open the connectivity self-test socket, for every kind of person
// (server-enforced): anonymous, listener, speaker, co-host, host, removed, blocked (people in a live
// room, in those roles), admin. Admins only: 401 without an account, 403 for everyone else.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { everyone, setUpRoleMatrix, type RoleMatrix, type Who } from '../support/role-matrix';
import { startTestSalon, type TestSalon } from '../support/salon';
import { WebClient } from '../support/web-client';

let salon: TestSalon;
let matrix: RoleMatrix;
let people: RoleMatrix['people'];

beforeAll(async () => {
  salon = await startTestSalon();
  matrix = await setUpRoleMatrix(salon, 'nm');
  ({ people } = matrix);
});
afterAll(() => salon.dispose());

const clientOf = (who: Who) => matrix.clientOf(who);


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
