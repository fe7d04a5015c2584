// Notifications end to end on a real server: a host going live notifies followers (blocked people
// left out either way), choices per kind and channel are honoured, the same event notifies once,
// web push makes a real round trip to a local push service that decrypts it (RFC 8291), 410 removes
// the subscription, 500 is retried with backoff, the bell's count updates live over SSE, and who
// may call the new routes.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { PushEndpoint, type TestSubscription } from '../support/push-endpoint';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let push: PushEndpoint;
let admin: Account;
let host: Account;
let fan: Account;
let hostId: number;

const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

/** People made straight in the database (sign-up hashes passwords: too slow for a crowd). */
async function makePeople(prefix: string, count: number): Promise<number[]> {
  const rows = Array.from({ length: count }, (_, i) => ({ handle: `${prefix}${i}`, email: `${prefix}${i}@example.org`, password_hash: 'x', display_name: `${prefix} ${i}` }));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 200) ids.push(...(await salon.db.insertInto('users').values(rows.slice(i, i + 200)).returning('id').execute()).map((r) => r.id));
  return ids;
}

async function follow(followerIds: number[], followeeId: number) {
  await salon.db.insertInto('follows').values(followerIds.map((id) => ({ follower_id: id, followee_id: followeeId }))).execute();
}

async function subscribeDirectly(userId: number, sub: TestSubscription) {
  await salon.db.insertInto('push_subscriptions').values({ user_id: userId, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth }).execute();
}

async function goLive(account: Account, title: string): Promise<string> {
  const res = await account.client.post('/studio/rooms', { title });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

async function endRoom(account: Account, roomId: string) {
  expect((await account.client.post(`/r/${roomId}/end`, {})).status).toBe(200);
}

const settle = async () => {
  await salon.deps.notifications.settled();
  await salon.deps.notifications.worker.drain();
};

const inboxOf = (userId: number) => salon.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('id').execute();

beforeAll(async () => {
  push = PushEndpoint.start();
  salon = await startTestSalon({ pushAllowPrivateEndpoints: 'true' });
  admin = await signUp(salon.url, 'nt_admin');
  host = await signUp(salon.url, 'nt_host');
  fan = await signUp(salon.url, 'nt_fan');
  hostId = await idOf('nt_host');
  await admin.client.post(`/admin/users/${hostId}/grant-host`);
});
afterAll(async () => {
  await salon.dispose();
  push.stop();
});

describe('fan-out', () => {
  test('a host going live notifies followers in-app and by push; blocked either way and suspended people are left out', async () => {
    const followers = await makePeople('f', 60);
    await follow(followers, hostId);
    const subs = new Map<number, TestSubscription>();
    for (const id of followers) {
      const sub = push.subscribe();
      subs.set(id, sub);
      await subscribeDirectly(id, sub);
    }
    const [blockedByHost, blockingHost, suspended] = followers as [number, number, number];
    // Blocks made in a race with the follow (a block normally ends it): the fan-out must still skip them.
    await salon.db.insertInto('blocks').values([{ blocker_id: hostId, blocked_id: blockedByHost }, { blocker_id: blockingHost, blocked_id: hostId }]).execute();
    await salon.db.updateTable('users').set({ suspended_at: new Date().toISOString() }).where('id', '=', suspended).execute();

    const started = performance.now();
    const roomId = await goLive(host, 'Morning show');
    expect(performance.now() - started).toBeLessThan(5000);
    await settle();

    const notified = await salon.db.selectFrom('notifications').select(['user_id', 'payload', 'kind']).where('dedupe_key', '=', `hostLive:${roomId}`).execute();
    expect(notified.map((n) => n.user_id).sort((a, b) => a - b)).toEqual(followers.slice(3));
    expect(JSON.parse(notified[0]!.payload)).toEqual({ url: `/r/${roomId}`, params: { host: 'nt_host', title: 'Morning show' } });
    for (const id of followers.slice(3)) {
      const got = push.receivedBy(subs.get(id)!.device);
      expect(got).toHaveLength(1);
      expect(got[0]!.payload).toMatchObject({ title: 'Salon', body: 'nt_host is live: Morning show', url: `/r/${roomId}` });
      expect(got[0]!.urgency).toBe('high');
      expect(got[0]!.ttl).toBeGreaterThan(3600);
    }
    for (const id of [blockedByHost, blockingHost, suspended]) expect(push.receivedBy(subs.get(id)!.device)).toHaveLength(0);
    expect(push.errors).toEqual([]);
    await endRoom(host, roomId);
  });

  test('the same event notifies once (dedupe key); a restart of the event changes nothing', async () => {
    const [person] = await makePeople('dup', 1);
    const sub = push.subscribe();
    await subscribeDirectly(person!, sub);
    const event = { userIds: [person!, person!], kind: 'roomStarting' as const, dedupeKey: 'roomStarting:abc', payload: { url: '/r/abc', params: { title: 'Twice' } } };
    expect(await salon.deps.notifications.notify(event)).toBe(1);
    expect(await salon.deps.notifications.notify(event)).toBe(0);
    await settle();
    expect(await inboxOf(person!)).toHaveLength(1);
    expect(push.receivedBy(sub.device)).toHaveLength(1);
    expect(push.receivedBy(sub.device)[0]!.topic).toMatch(/^n\d+$/);
  });

  test('notify leaves out people who blocked the actor or whom the actor blocked', async () => {
    const [actor, a, b, c] = await makePeople('act', 4);
    await salon.db.insertInto('blocks').values([{ blocker_id: a!, blocked_id: actor! }, { blocker_id: actor!, blocked_id: b! }]).execute();
    const created = await salon.deps.notifications.notify({ userIds: [a!, b!, c!, actor!], actorId: actor!, kind: 'scheduledInvite', dedupeKey: 'invite:x', payload: { url: '/r/x', params: { host: 'A', title: 'T' } } });
    expect(created).toBe(1);
    expect(await inboxOf(c!)).toHaveLength(1);
  });

  test('a new follower notifies the person followed, once', async () => {
    const before = (await inboxOf(hostId)).length;
    expect((await fan.client.post('/@nt_host/follow', {})).status).toBe(200);
    await fan.client.post('/@nt_host/unfollow', {});
    await fan.client.post('/@nt_host/follow', {});
    const inbox = await inboxOf(hostId);
    expect(inbox.length).toBe(before + 1);
    expect(inbox.at(-1)).toMatchObject({ kind: 'newFollower', dedupe_key: `newFollower:${await idOf('nt_fan')}` });
    const page = await (await host.client.get('/notifications')).text();
    expect(page).toContain('nt_fan followed you');
  });
});

describe('preferences', () => {
  test('per kind and channel: push off, in-app off (push only), everything off', async () => {
    const pushOff = await signUp(salon.url, 'nt_pushoff');
    const inAppOff = await signUp(salon.url, 'nt_inappoff');
    const allOff = await signUp(salon.url, 'nt_alloff');
    const subs: Record<string, TestSubscription> = {};
    for (const account of [pushOff, inAppOff, allOff]) {
      subs[account.handle] = push.subscribe();
      const res = await account.client.fetch('/push/subscriptions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': await account.client.csrfToken() },
        body: JSON.stringify({ ...subs[account.handle], device: 'Test browser' }),
      });
      expect(res.status).toBe(201);
      expect((await account.client.post('/@nt_host/follow', {})).status).toBe(200);
    }
    // The settings form: checked boxes are on, the rest off.
    const defaults = await (await pushOff.client.json('/settings/notifications')).preferences;
    expect(defaults.hostLive).toEqual({ inApp: true, push: true, email: false });
    expect(defaults.newFollower).toEqual({ inApp: true, push: false, email: false });
    const form = (on: string[]) => Object.fromEntries(on.map((k) => [k, 'on']));
    expect((await pushOff.client.post('/settings/notifications', form(['hostLive.inApp']))).status).toBe(200);
    expect((await inAppOff.client.post('/settings/notifications', form(['hostLive.push']))).status).toBe(200);
    expect((await allOff.client.post('/settings/notifications', form([]))).status).toBe(200);
    expect((await inAppOff.client.json('/settings/notifications')).preferences.hostLive).toEqual({ inApp: false, push: true, email: false });
    const html = await (await pushOff.client.get('/settings/notifications')).text();
    expect(html).toContain('name="hostLive.inApp" aria-label="Someone I follow goes live: In the app" checked');
    expect(html).not.toContain('name="hostLive.push" aria-label="Someone I follow goes live: Push" checked');

    const roomId = await goLive(host, 'Preferences');
    await settle();
    expect(push.receivedBy(subs.nt_pushoff!.device)).toHaveLength(0);
    expect((await pushOff.client.json('/notifications')).items.map((i: { kind: string }) => i.kind)).toContain('hostLive');
    expect(push.receivedBy(subs.nt_inappoff!.device)).toHaveLength(1); // pushed, but not in the inbox
    expect((await inAppOff.client.json('/notifications')).items.map((i: { kind: string }) => i.kind)).not.toContain('hostLive');
    expect((await inAppOff.client.json('/notifications/stream')).unread).toBe(0);
    expect(push.receivedBy(subs.nt_alloff!.device)).toHaveLength(0);
    expect(await inboxOf(await idOf('nt_alloff'))).toHaveLength(0);
    await endRoom(host, roomId);
  });
});

describe('web push', () => {
  test('a test notification reaches each of my devices, decrypted at the endpoint', async () => {
    const me = await signUp(salon.url, 'nt_tester');
    const sub = push.subscribe();
    const res = await me.client.fetch('/push/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': await me.client.csrfToken() },
      body: JSON.stringify(sub),
    });
    expect(res.status).toBe(201);
    expect(await (await me.client.post('/push/test', {})).json()).toEqual({ sent: 1, gone: 0, failed: 0 });
    expect(push.receivedBy(sub.device).map((r) => r.payload)).toEqual([{ title: 'Salon', body: expect.any(String), url: '/settings/notifications', tag: 'test' }]);
  });

  test('410 Gone removes the subscription; the delivery is not retried', async () => {
    const [person] = await makePeople('gone', 1);
    const sub = push.subscribe({ fallback: 410 });
    await subscribeDirectly(person!, sub);
    await salon.deps.notifications.notify({ userIds: [person!], kind: 'roomCancelled', dedupeKey: 'cancel:1', payload: { url: '/r/c1', params: { title: 'Gone' } } });
    await settle();
    expect(await salon.db.selectFrom('push_subscriptions').select('id').where('endpoint', '=', sub.endpoint).execute()).toEqual([]);
    const deliveries = await salon.db.selectFrom('notification_deliveries').innerJoin('notifications', 'notifications.id', 'notification_deliveries.notification_id').select(['status', 'attempts', 'last_error']).where('notifications.user_id', '=', person!).execute();
    expect(deliveries).toEqual([{ status: 'failed', attempts: 1, last_error: 'gone: the target no longer exists' }]);
    expect(push.requests.filter((r) => r.device === sub.device)).toHaveLength(1);
  });

  test('500 is retried with exponential backoff, then delivered once', async () => {
    const policy = salon.deps.notifications.worker.policy;
    const saved = { ...policy };
    Object.assign(policy, { retryBaseMs: 300, pollMs: 50 });
    try {
      const [person] = await makePeople('retry', 1);
      const sub = push.subscribe({ answers: [500, 500] });
      await subscribeDirectly(person!, sub);
      await salon.deps.notifications.notify({ userIds: [person!], kind: 'roomStarting', dedupeKey: 'retry:1', payload: { url: '/r/r1', params: { title: 'Retry' } } });
      await waitFor(() => push.receivedBy(sub.device).length === 1, 10_000, 'the third attempt');
      const hits = push.requests.filter((r) => r.device === sub.device);
      expect(hits.map((h) => h.status)).toEqual([500, 500, 201]);
      expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(280);
      expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(580); // doubled
      // The endpoint counts the request before the worker has read its answer and marked the row.
      const deliveryOf = () => salon.db.selectFrom('notification_deliveries').innerJoin('notifications', 'notifications.id', 'notification_deliveries.notification_id').select(['status', 'attempts']).where('notifications.user_id', '=', person!).executeTakeFirstOrThrow();
      await waitFor(async () => (await deliveryOf()).status !== 'sending', 5_000, 'the worker to record the answer');
      expect(await deliveryOf()).toEqual({ status: 'sent', attempts: 3 });
    } finally {
      Object.assign(policy, saved);
    }
  });

  test('a notification past its expiry is not delivered', async () => {
    const [person] = await makePeople('late', 1);
    const sub = push.subscribe();
    await subscribeDirectly(person!, sub);
    await salon.deps.notifications.worker.stop(); // nothing goes out until after the expiry
    await salon.deps.notifications.notify({ userIds: [person!], kind: 'hostLive', dedupeKey: 'late:1', expiresAt: new Date(Date.now() + 200), payload: { url: '/r/l1', params: { host: 'H', title: 'Late' } } });
    await Bun.sleep(300);
    await salon.deps.notifications.worker.start();
    await settle();
    expect(push.receivedBy(sub.device)).toHaveLength(0);
    const delivery = await salon.db.selectFrom('notification_deliveries').innerJoin('notifications', 'notifications.id', 'notification_deliveries.notification_id').select('status').where('notifications.user_id', '=', person!).executeTakeFirstOrThrow();
    expect(delivery.status).toBe('expired');
  });

  test('subscriptions are validated: keys, scheme; removing one of mine', async () => {
    const me = await signUp(salon.url, 'nt_subs');
    const post = async (body: unknown) =>
      me.client.fetch('/push/subscriptions', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': await me.client.csrfToken() }, body: JSON.stringify(body) });
    const sub = push.subscribe();
    expect((await post({ ...sub, keys: { ...sub.keys, p256dh: 'short' } })).status).toBe(422);
    expect((await post({ ...sub, keys: { ...sub.keys, auth: sub.keys.p256dh } })).status).toBe(422);
    expect((await post({ ...sub, endpoint: 'ftp://127.0.0.1/x' })).status).toBe(422);
    expect((await post({ ...sub, endpoint: 'https://user:pw@push.example/x' })).status).toBe(422);
    expect((await post(sub)).status).toBe(201);
    const { devices } = await me.client.json('/settings/notifications');
    expect(devices).toHaveLength(1);
    expect((await me.client.post('/push/subscriptions/delete', { id: String(devices[0].id) })).status).toBe(200);
    expect((await me.client.json('/settings/notifications')).devices).toHaveLength(0);
  });
});

describe('in-app', () => {
  test('the bell count updates live over SSE: new notification, then read', async () => {
    const me = await signUp(salon.url, 'nt_bell');
    const myId = await idOf('nt_bell');
    const res = await fetch(`${salon.url}/notifications/stream`, { headers: { accept: 'text/event-stream', cookie: [...me.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextEvent = async (): Promise<{ unread: number; newest: { text: string; url: string } | null }> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) return JSON.parse(data.slice(6));
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    expect(await nextEvent()).toEqual({ unread: 0, newest: null });
    await salon.deps.notifications.notify({ userIds: [myId], kind: 'replayReady', dedupeKey: 'replay:1', payload: { url: '/r/abc', params: { title: 'Show' } } });
    const afterNew = await nextEvent();
    expect(afterNew.unread).toBe(1);
    expect(afterNew.newest).toMatchObject({ text: 'Your replay of “Show” is ready', url: '/r/abc', kind: 'replayReady', read: false });
    expect((await me.client.post('/notifications/read', {})).status).toBe(200);
    expect((await nextEvent()).unread).toBe(0);
    await reader.cancel();
    await waitFor(() => salon.deps.notifications.hub.watching([myId]).length === 0, 5000, 'the stream to be let go');
  });

  test('the page lists newest first, translated, and "open" marks read and goes to the link', async () => {
    const me = await signUp(salon.url, 'nt_page');
    me.client.lang = 'fr'; // no language chosen: the browser's
    const myId = await idOf('nt_page');
    for (const [i, title] of ['Un', 'Deux'].entries()) {
      await salon.deps.notifications.notify({ userIds: [myId], kind: 'roomStarting', dedupeKey: `page:${i}`, payload: { url: `/r/p${i}`, params: { title } } });
    }
    const page = await (await me.client.get('/notifications')).text();
    expect(page.indexOf('Ça commence : Deux')).toBeGreaterThan(0);
    expect(page.indexOf('Ça commence : Deux')).toBeLessThan(page.indexOf('Ça commence : Un'));
    expect(page).toContain('id="notification-bell"');
    const { items } = await me.client.json('/notifications');
    const open = await me.client.post(`/notifications/${items[1].id}/read`, { open: '1' }, { accept: 'html' });
    expect(open.status).toBe(303);
    expect(open.headers.get('location')).toBe('/r/p0');
    expect((await me.client.json('/notifications')).unread).toBe(1);
  });
});

describe('authorization matrix for the notification routes', () => {
  test('anonymous: 401 everywhere except the service worker', async () => {
    const anonymous = new WebClient(salon.url);
    for (const path of ['/notifications', '/notifications/stream', '/settings/notifications']) expect([path, (await anonymous.get(path, 'json')).status]).toEqual([path, 401]);
    for (const path of ['/notifications/read', '/notifications/1/read', '/settings/notifications', '/push/subscriptions/delete', '/push/test']) {
      expect([path, (await anonymous.post(path, { id: '1' })).status]).toEqual([path, 401]);
    }
    const sw = await anonymous.get('/sw.js');
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toContain('javascript');
    expect(await sw.text()).toContain('showNotification');
  });

  test("notifications and devices are per person: someone else's id is 404, for members and admins alike", async () => {
    const hostItems = (await host.client.json('/notifications')).items;
    expect(hostItems.length).toBeGreaterThan(0);
    const theirs = String(hostItems[0].id);
    for (const [who, account] of [['member', fan], ['admin', admin]] as const) {
      expect([who, (await account.client.post(`/notifications/${theirs}/read`, {})).status]).toEqual([who, 404]);
      expect([who, (await account.client.post('/notifications/abc/read', {})).status]).toEqual([who, 404]);
    }
    expect((await salon.db.selectFrom('notifications').select('read_at').where('id', '=', Number(theirs)).executeTakeFirstOrThrow()).read_at).toBeNull();
    expect((await host.client.post(`/notifications/${theirs}/read`, {})).status).toBe(200);

    const owner = await signUp(salon.url, 'nt_owner');
    const sub = push.subscribe();
    await owner.client.fetch('/push/subscriptions', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': await owner.client.csrfToken() }, body: JSON.stringify(sub) });
    const deviceId = String((await owner.client.json('/settings/notifications')).devices[0].id);
    for (const account of [fan, admin]) expect((await account.client.post('/push/subscriptions/delete', { id: deviceId })).status).toBe(404);
    expect((await owner.client.json('/settings/notifications')).devices).toHaveLength(1);
  });

  test('state-changing routes need the CSRF token', async () => {
    for (const path of ['/notifications/read', '/settings/notifications', '/push/test']) expect((await fan.client.post(path, {}, { csrf: false })).status).toBe(403);
  });
});
