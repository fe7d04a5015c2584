// The page of a room that has ended says so, and only so: no "Live · N listening", no stale stage,
// no live client. And a live room page is never cached by htmx history, so Back cannot bring
// back a stale "Live" snapshot of a room that has ended since.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { RoomClient } from '../support/room-client';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let host: Account, listener: Account;
let roomId: string;

beforeAll(async () => {
  salon = await startTestSalon();
  host = await signUp(salon.url, 'ender');
  listener = await signUp(salon.url, 'lingerer');
  roomId = (await (await host.client.post('/studio/rooms', { title: 'Short talk' })).json()).id;
});
afterAll(() => salon.dispose());

const pageOf = async (client: WebClient, headers: Record<string, string> = {}) => (await client.fetch(`/r/${roomId}`, { accept: 'html', headers })).text();

test('a live room page shows the live status and stage, and opts out of the htmx history cache', async () => {
  const html = await pageOf(listener.client);
  expect(html).toContain('id="room-status"');
  expect(html).toContain('id="stage"');
  expect(html).toContain('data-live="yes"');
  expect(html).toMatch(/<article[^>]*id="room"[^>]*hx-history="false"/);
});

test('once the host ends it, the page says it has ended and shows no live state', async () => {
  const hostWs = await RoomClient.join(host.client, salon.url, roomId);
  const listenerWs = await RoomClient.join(listener.client, salon.url, roomId);
  await hostWs.next((m) => m.type === 'listenerCount' && m.count === 1, 3000);
  hostWs.send({ type: 'end' });
  await listenerWs.next((m) => m.type === 'roomEnded');
  for (const client of [listener.client, host.client, new WebClient(salon.url)]) {
    for (const headers of [{}, { 'hx-request': 'true', 'hx-boosted': 'true' }] as Record<string, string>[]) {
      const html = await pageOf(client, headers);
      expect(html).toContain('This room has ended.');
      expect(html).not.toContain('listening');
      expect(html).not.toContain('id="room-status"');
      expect(html).not.toContain('id="listener-count"');
      expect(html).not.toContain('id="stage"');
      expect(html).not.toContain('class="member"');
      expect(html).not.toContain('room.js');
      expect(html).toContain('data-live="no"');
    }
  }
});
