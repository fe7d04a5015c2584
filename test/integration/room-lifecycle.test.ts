// Room lifecycle across the process: grace-period ending, shutdown and restart, discovery order,
// and the cost of one join in a room with 500 connected listener sockets.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { loadConfig } from '../../src/config/config.load';
import { createLogger } from '../../src/log';
import { startSalon } from '../../src/server';
import { RoomClient } from '../support/room-client';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let admin: Account, ana: Account, bo: Account, fan: Account;
beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'admin_one');
  [ana, bo, fan] = (await Promise.all(['ana', 'bob', 'fan'].map((h) => signUp(salon.url, h)))) as [Account, Account, Account];
  await admin.client.post('/admin/settings', { hostMinFollowers: '0' }); // everyone may host here
});
afterAll(() => salon.dispose());

/** The titles found in `page`, in page order: a missing title is missing here too, never "before" another. */
const shownInOrder = (page: string, titles: string[]) => titles.filter((t) => page.includes(t)).sort((a, b) => page.indexOf(a) - page.indexOf(b));

const startRoom = async (account: Account, title: string) => {
  const res = await account.client.post('/studio/rooms', { title });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
};

describe('discovery', () => {
  test('home lists rooms of people I follow first, then by listener count', async () => {
    const anaRoom = await startRoom(ana, 'Ana talks');
    const boRoom = await startRoom(bo, 'Bo talks');
    const listeners = await Promise.all([admin, ana].map((a) => RoomClient.join(a.client, salon.url, boRoom)));
    await waitFor(() => salon.deps.live.get(boRoom)!.state.listenerCount() === 2);
    const anonymousOrder = await (await new WebClient(salon.url).get('/')).text();
    expect(shownInOrder(anonymousOrder, ['Ana talks', 'Bo talks'])).toEqual(['Bo talks', 'Ana talks']);
    await fan.client.post('/@ana/follow');
    const fanOrder = await (await fan.client.get('/')).text();
    expect(shownInOrder(fanOrder, ['Ana talks', 'Bo talks'])).toEqual(['Ana talks', 'Bo talks']);
    listeners.forEach((l) => l.close());
    salon.deps.live.get(anaRoom)!.end('host');
    salon.deps.live.get(boRoom)!.end('host');
  });
});

describe('grace period', () => {
  test('a room without host or co-host ends by itself after the grace period', async () => {
    await admin.client.post('/admin/settings', { roomGraceMinutes: '0' });
    const roomId = await startRoom(ana, 'Short-lived');
    const hostWs = await RoomClient.join(ana.client, salon.url, roomId);
    const listenerWs = await RoomClient.join(fan.client, salon.url, roomId);
    hostWs.terminate();
    const ended = await listenerWs.next((m) => m.type === 'roomEnded', 4000);
    expect(ended.reason).toBe('noHost');
    await salon.deps.live.endAll('shutdown');
    await waitFor(async () => (await salon.db.selectFrom('rooms').select('end_reason').where('id', '=', roomId).executeTakeFirst())?.end_reason === 'noHost');
    await admin.client.post('/admin/settings', { roomGraceMinutes: '5' });
  });
});

describe('shutdown and restart', () => {
  test('a graceful stop ends live rooms cleanly; a crash leftover is ended at the next start', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ flags: { host: '127.0.0.1', port: '0', webRtcPort: '0', dataDir, workers: '1', trustProxy: 'true' }, env: {} });
    const first = await startSalon(config, createLogger('error'));
    const owner = await signUp(first.url, 'owner');
    const roomId = (await (await owner.client.post('/studio/rooms', { title: 'Until shutdown' })).json()).id;
    const ws = await RoomClient.join(owner.client, first.url, roomId);
    await first.stop();
    expect(ws.messages.some((m) => m.type === 'roomEnded' && m.reason === 'shutdown')).toBe(true);
    // Pretend the previous run crashed with a room live.
    const second = await startSalon(config, createLogger('error'));
    let row = await second.db.selectFrom('rooms').selectAll().where('id', '=', roomId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'ended', end_reason: 'shutdown' });
    await second.db.updateTable('rooms').set({ status: 'live', end_reason: null }).where('id', '=', roomId).execute();
    await second.stop();
    const third = await startSalon(config, createLogger('error'));
    row = await third.db.selectFrom('rooms').selectAll().where('id', '=', roomId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'ended', end_reason: 'restart' });
    // Nothing else was lost: the account still logs in.
    const back = new WebClient(third.url);
    expect((await back.post('/login', { login: 'owner', password: owner.password })).status).toBe(200);
    await third.stop();
  });
});

describe('signalling cost', () => {
  test('with 500 listener sockets, one join, one hand raise and one reaction cost a bounded number of messages', async () => {
    const roomId = await startRoom(bo, 'Big room');
    const live = salon.deps.live.get(roomId)!;
    const hostWs = await RoomClient.join(bo.client, salon.url, roomId);
    // 500 anonymous listeners: each gets the page (its token), then connects.
    const crowd: RoomClient[] = [];
    for (let batch = 0; batch < 10; batch++) {
      crowd.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, async () => {
            const visitor = new WebClient(salon.url);
            await visitor.get(`/r/${roomId}`);
            return RoomClient.join(visitor, salon.url, roomId);
          }),
        )),
      );
    }
    await waitFor(() => live.state.listenerCount() === 500, 10_000, '500 listeners');
    await Bun.sleep(400); // let coalesced updates go out
    const sample = crowd.slice(0, 50);
    const before = { out: live.broadcaster.messagesOut, received: sample.map((c) => c.messages.length) };

    const fanWs = await RoomClient.join(fan.client, salon.url, roomId); // one join
    await fanWs.request({ type: 'raiseHand' }, (m) => m.type === 'handRaised'); // one hand
    fanWs.send({ type: 'react', emoji: '🎉' }); // one reaction
    await hostWs.next((m) => m.type === 'reactions');
    await Bun.sleep(400);

    const published = live.broadcaster.messagesOut - before.out;
    // listenerCount (1) + handRaised to managers (1) and to the person (1) + reactions (1): not O(listeners).
    expect(published).toBeLessThanOrEqual(5);
    const perListener = sample.map((c, i) => c.messages.length - before.received[i]!);
    expect(Math.max(...perListener)).toBeLessThanOrEqual(2); // the new count and the reaction burst
    expect(sample.every((c) => c.messages.at(-1).type === 'reactions')).toBe(true);

    // A burst of joins is coalesced too: 50 more listeners, a handful of count updates.
    const beforeBurst = live.broadcaster.messagesOut;
    const burst = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const visitor = new WebClient(salon.url);
        await visitor.get(`/r/${roomId}`);
        return RoomClient.join(visitor, salon.url, roomId);
      }),
    );
    await Bun.sleep(400);
    expect(live.broadcaster.messagesOut - beforeBurst).toBeLessThanOrEqual(10);
    expect(crowd[0]!.messages.at(-1)).toEqual({ type: 'listenerCount', count: 551 });
    for (const c of [...crowd, ...burst, fanWs, hostWs]) c.close();
  }, 60_000);
});
