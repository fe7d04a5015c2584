// A restart in the middle of a delivery burst loses nothing and sends nothing twice: the salon is
// stopped while push deliveries are in flight and pending, a few are left 'sending' as a crash
// would leave them, and a new salon on the same data folder delivers the rest: every device gets
// its notification exactly once.
import { afterAll, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { loadConfig } from '../../src/config/config.load';
import { openDatabase } from '../../src/db/connection';
import { createLogger } from '../../src/log';
import { startSalon, type RunningSalon } from '../../src/server';
import { PushEndpoint } from '../support/push-endpoint';
import { tempDir, waitFor } from '../support/salon';

const dataDir = tempDir();
const push = PushEndpoint.start();
const start = () =>
  startSalon(
    loadConfig({ flags: { host: '127.0.0.1', port: '0', dataDir, workers: '1', rtcListenIp: '127.0.0.1', webRtcPort: '0', pushAllowPrivateEndpoints: 'true' }, env: {} }),
    createLogger(process.env.SALON_TEST_LOG ? 'debug' : 'error'),
  );
let running: RunningSalon | undefined;
afterAll(async () => {
  await running?.stop();
  push.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('stop mid-burst, start again on the same data: every delivery exactly once', async () => {
  const first = (running = await start());
  const people = 400;
  const rows = Array.from({ length: people }, (_, i) => ({ handle: `r${i}`, email: `r${i}@example.org`, password_hash: 'x', display_name: `R ${i}` }));
  const ids: number[] = [];
  for (let i = 0; i < people; i += 200) ids.push(...(await first.db.insertInto('users').values(rows.slice(i, i + 200)).returning('id').execute()).map((r) => r.id));
  const devices = ids.map((id) => ({ id, sub: push.subscribe() }));
  await first.db.insertInto('push_subscriptions').values(devices.map(({ id, sub }) => ({ user_id: id, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth }))).execute();

  push.delayMs = 40; // slow enough that the burst is still going when the salon stops
  expect(await first.deps.notifications.notify({ userIds: ids, kind: 'roomStarting', dedupeKey: 'burst:1', payload: { url: '/r/burst', params: { title: 'Burst' } } })).toBe(people);
  await waitFor(() => push.received.length >= 60, 20_000, 'the burst to be under way');
  await first.stop();
  running = undefined;
  const sentBeforeStop = push.received.length;
  expect(sentBeforeStop).toBeLessThan(people);

  // What a crash would leave: a few deliveries marked 'sending' that never went out.
  const peek = openDatabase(dataDir);
  const states = await peek.selectFrom('notification_deliveries').select(['status']).execute();
  expect(states.filter((s) => s.status === 'sending')).toHaveLength(0); // a clean stop finishes what it sent
  expect(states.filter((s) => s.status === 'sent')).toHaveLength(sentBeforeStop);
  const pending = await peek.selectFrom('notification_deliveries').select('id').where('status', '=', 'pending').limit(5).execute();
  await peek.updateTable('notification_deliveries').set({ status: 'sending' }).where('id', 'in', pending.map((p) => p.id)).execute();
  await peek.destroy();

  push.delayMs = 0;
  const second = (running = await start());
  await second.deps.notifications.worker.drain();
  await waitFor(() => push.received.length >= people, 20_000, 'every delivery');
  await Bun.sleep(200);
  expect(push.errors).toEqual([]);
  expect(push.received).toHaveLength(people);
  for (const { sub } of devices) expect(push.receivedBy(sub.device)).toHaveLength(1);
  // The endpoint counts a request before the worker has read its answer and marked the row.
  const statusesNow = () => second.db.selectFrom('notification_deliveries').select('status').execute();
  await waitFor(async () => (await statusesNow()).every((s) => s.status === 'sent'), 5_000, 'every row marked sent');
  const statuses = await statusesNow();
  expect(statuses).toHaveLength(people);
}, 120_000);
