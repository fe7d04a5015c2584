// Where WebRTC listening stops and live HLS takes over: the instance settings webrtcListenersPerRoom
// and webrtcListenersPerServer (all rooms together). Past either, a listener is told to listen over
// HLS and refused a receive transport; people on stage never are. Real worker, real sockets.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RoomClient } from '../support/room-client';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';
import { mediaRequests } from '../support/werift-peer';

let salon: TestSalon;
let admin: Account;
const rooms: { id: string; host: Account; ws: RoomClient }[] = [];
const sockets: RoomClient[] = [];

beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'wl_admin'); // the first account: the admin
  for (const name of ['wl_host_a', 'wl_host_b']) {
    const host = await signUp(salon.url, name);
    const hostId = (await salon.db.selectFrom('users').select('id').where('handle', '=', name).executeTakeFirstOrThrow()).id;
    await admin.client.post(`/admin/users/${hostId}/grant-host`);
    const id = (await (await host.client.post('/studio/rooms', { title: `Limits ${name}` })).json()).id as string;
    rooms.push({ id, host, ws: await RoomClient.join(host.client, salon.url, id) });
  }
}, 30_000);
afterAll(async () => {
  for (const ws of sockets) ws.close();
  await salon.dispose();
});

async function listener(roomId: string) {
  const browser = new WebClient(salon.url);
  await browser.get(`/r/${roomId}`);
  const ws = await RoomClient.join(browser, salon.url, roomId);
  sockets.push(ws);
  const request = mediaRequests(ws);
  const capabilities = await request({ type: 'mediaCapabilities' });
  return { ws, request, toldHls: capabilities.listenOverHls === true };
}

describe('WebRTC listener limits', () => {
  test('webrtcListenersPerServer counts every room: room A takes the one place, room B\'s listener is sent to HLS; 0 lifts it', async () => {
    await salon.deps.settings.update({ webrtcListenersPerServer: 1 });
    try {
      const first = await listener(rooms[0]!.id);
      expect(first.toldHls).toBe(false);
      expect((await first.request({ type: 'createTransport', direction: 'recv' })).id).toBeString();
      expect(salon.deps.media.webrtcListeners()).toBe(1);

      const second = await listener(rooms[1]!.id);
      expect(second.toldHls).toBe(true);
      await expect(second.request({ type: 'createTransport', direction: 'recv' })).rejects.toThrow('createTransport: WebRTC listeners are full here: listen over HLS');
      expect(salon.deps.media.webrtcListeners()).toBe(1);

      // The host of room B on stage still gets WebRTC both ways.
      const hostB = mediaRequests(rooms[1]!.ws);
      expect((await hostB({ type: 'createTransport', direction: 'recv' })).id).toBeString();
      expect((await hostB({ type: 'createTransport', direction: 'send' })).id).toBeString();

      await salon.deps.settings.update({ webrtcListenersPerServer: 0 });
      const third = await listener(rooms[1]!.id);
      expect(third.toldHls).toBe(false);
      expect((await third.request({ type: 'createTransport', direction: 'recv' })).id).toBeString();
    } finally {
      await salon.deps.settings.update({ webrtcListenersPerServer: 0 });
    }
  });

  test('the admin sets it on /admin/settings (en and fr); a bad value is refused by name and nothing changes; hosts may not', async () => {
    const page = await (await admin.client.get('/admin/settings')).text();
    expect(page).toContain('name="webrtcListenersPerServer"');
    expect(page).toContain('WebRTC listeners on this server');
    admin.client.lang = 'fr';
    expect(await (await admin.client.get('/admin/settings')).text()).toContain('Auditeurs WebRTC sur ce serveur');
    admin.client.lang = 'en';
    expect((await admin.client.post('/admin/settings', { webrtcListenersPerServer: '500' })).status).toBe(200);
    expect(salon.deps.settings.get().webrtcListenersPerServer).toBe(500);
    for (const value of ['-3', 'lots']) {
      const bad = await admin.client.post('/admin/settings', { webrtcListenersPerServer: value });
      expect(bad.status).toBe(422);
      expect((await bad.json()).errors.map((e: { field: string }) => e.field)).toEqual(['webrtcListenersPerServer']);
    }
    expect(salon.deps.settings.get().webrtcListenersPerServer).toBe(500);
    const asHost = await rooms[0]!.host.client.post('/admin/settings', { webrtcListenersPerServer: '1' });
    expect([asHost.status, await asHost.json()]).toEqual([403, { error: 'Admins only' }]);
    expect((await new WebClient(salon.url).post('/admin/settings', { webrtcListenersPerServer: '1' })).status).toBe(401);
    expect(salon.deps.settings.get().webrtcListenersPerServer).toBe(500);
    await salon.deps.settings.update({ webrtcListenersPerServer: 0 });
  });
});
