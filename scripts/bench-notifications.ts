// Notification fan-out benchmark (run by hand: bun scripts/bench-notifications.ts [followers]).
// A host with 10,000 followers, each with a web push subscription pointing at a local push service
// (a separate process that decrypts every payload, RFC 8291), goes live. Measured: the go-live
// request's latency (enqueue happens in the background), the time until every in-app notification
// and outbox delivery is queued, the time until every push has reached the push service, and the
// join latency of another room (WebSocket join → snapshot) during the burst against without it.
import { createECDH, randomBytes } from 'node:crypto';
import { RoomClient } from '../test/support/room-client';
import { startTestSalon } from '../test/support/salon';
import { signUp } from '../test/support/web-client';

const followers = Number(process.argv[2] ?? 10_000);
const ms = (t: number) => `${t.toFixed(0)} ms`;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

// One key pair for every device (the push service decrypts them all with it; endpoints differ).
const ecdh = createECDH('prime256v1');
ecdh.generateKeys();
const auth = randomBytes(16);

// The push service runs in its own process, so its decryption does not share the salon's event loop.
const pushService = Bun.spawn([process.execPath, '-e', pushServiceSource(ecdh.getPrivateKey('base64url'), ecdh.getPublicKey('base64url'), auth.toString('base64url'))], { stdout: 'pipe', stderr: 'inherit' });
const reader = pushService.stdout.getReader();
const port = Number(new TextDecoder().decode((await reader.read()).value).trim());
const pushUrl = `http://127.0.0.1:${port}`;
const received = async () => Number(await (await fetch(`${pushUrl}/count`)).text());

const salon = await startTestSalon({ pushAllowPrivateEndpoints: 'true', logLevel: 'error' });
try {
  const admin = await signUp(salon.url, 'bench_admin');
  const host = await signUp(salon.url, 'bench_host');
  const other = await signUp(salon.url, 'bench_other');
  const listener = await signUp(salon.url, 'bench_listener');
  const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
  const hostId = await idOf('bench_host');
  for (const handle of ['bench_host', 'bench_other']) await admin.client.post(`/admin/users/${await idOf(handle)}/grant-host`);

  let setup = performance.now();
  for (let i = 0; i < followers; i += 500) {
    const rows = Array.from({ length: Math.min(500, followers - i) }, (_, k) => ({ handle: `fan${i + k}`, email: `fan${i + k}@example.org`, password_hash: 'x', display_name: `Fan ${i + k}` }));
    const ids = (await salon.db.insertInto('users').values(rows).returning('id').execute()).map((r) => r.id);
    await salon.db.insertInto('follows').values(ids.map((id) => ({ follower_id: id, followee_id: hostId }))).execute();
    await salon.db
      .insertInto('push_subscriptions')
      .values(ids.map((id) => ({ user_id: id, endpoint: `${pushUrl}/push/${id}`, p256dh: ecdh.getPublicKey('base64url'), auth: auth.toString('base64url') })))
      .execute();
  }
  console.log(`setup: ${followers} followers with push subscriptions in ${ms(performance.now() - setup)}`);

  // The room whose joins are timed.
  const tOther = performance.now();
  const otherRoom = (await (await other.client.post('/studio/rooms', { title: 'Measured room' })).json()).id as string;
  const goLiveWithoutFollowers = performance.now() - tOther;
  await listener.client.get(`/r/${otherRoom}`);
  const joinOnce = async () => {
    const started = performance.now();
    const room = await RoomClient.join(listener.client, salon.url, otherRoom);
    const took = performance.now() - started;
    if (!room.snapshot) throw new Error(`join refused: ${JSON.stringify(room.messages.at(-1))}`);
    room.close();
    return took;
  };
  for (let i = 0; i < 5; i++) await joinOnce(); // warm-up
  const quiet: number[] = [];
  for (let i = 0; i < 40; i++) quiet.push(await joinOnce());

  // The burst.
  const burst: number[] = [];
  let bursting = true;
  const joinsDuringBurst = (async () => {
    while (bursting) burst.push(await joinOnce());
  })();
  const t0 = performance.now();
  const res = await host.client.post('/studio/rooms', { title: 'Going live' });
  const goLive = performance.now() - t0;
  if (res.status !== 201) throw new Error(`go live: ${res.status} ${await res.text()}`);
  const roomId = (await res.json()).id as string;
  await salon.deps.notifications.settled();
  const enqueued = performance.now() - t0;
  const inApp = Number((await salon.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('dedupe_key', '=', `hostLive:${roomId}`).executeTakeFirstOrThrow()).n);
  const queued = Number((await salon.db.selectFrom('notification_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  await salon.deps.notifications.worker.drain();
  while ((await received()) < followers && performance.now() - t0 < 600_000) await Bun.sleep(20);
  const delivered = performance.now() - t0;
  bursting = false;
  await joinsDuringBurst;
  const got = await received();
  const errors = Number(await (await fetch(`${pushUrl}/errors`)).text());

  console.log(`go-live request (POST /studio/rooms): ${ms(goLive)} with ${followers} followers; ${ms(goLiveWithoutFollowers)} for a host without followers (first room: includes router creation)`);
  console.log(`in-app notifications + outbox rows queued: ${inApp} notifications, ${queued} push deliveries, ${ms(enqueued)} after the request started`);
  console.log(`all push delivered and decrypted at the push service: ${got}/${followers} (${errors} undecryptable) in ${ms(delivered)} (${((followers / delivered) * 1000).toFixed(0)}/s); worker counts ${JSON.stringify(salon.deps.notifications.worker.counts)}`);
  console.log(`join latency without burst: median ${ms(percentile(quiet, 50))}, p95 ${ms(percentile(quiet, 95))}, max ${ms(Math.max(...quiet))} (${quiet.length} joins)`);
  console.log(`join latency during burst:  median ${ms(percentile(burst, 50))}, p95 ${ms(percentile(burst, 95))}, max ${ms(Math.max(...burst))} (${burst.length} joins)`);
} finally {
  await salon.dispose();
  pushService.kill();
}

/** The push service process: answers 201, decrypts each payload with the shared device key, counts. */
function pushServiceSource(privateKey: string, publicKey: string, authSecret: string): string {
  return `
    const { createECDH, createDecipheriv, hkdfSync } = require('node:crypto');
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from('${privateKey}', 'base64url'));
    const pub = Buffer.from('${publicKey}', 'base64url');
    const auth = Buffer.from('${authSecret}', 'base64url');
    const seen = new Set();
    let errors = 0;
    function decrypt(body) {
      const salt = body.subarray(0, 16), idlen = body[20], sender = body.subarray(21, 21 + idlen), ct = body.subarray(21 + idlen);
      const ikm = Buffer.from(hkdfSync('sha256', ecdh.computeSecret(sender), auth, Buffer.concat([Buffer.from('WebPush: info\\0'), pub, sender]), 32));
      const key = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\\0'), 16));
      const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\\0'), 12));
      const d = createDecipheriv('aes-128-gcm', key, nonce);
      d.setAuthTag(ct.subarray(ct.length - 16));
      const plain = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
      return JSON.parse(plain.subarray(0, plain.lastIndexOf(2)).toString());
    }
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, async fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === '/count') return new Response(String(seen.size));
      if (path === '/errors') return new Response(String(errors));
      try { const p = decrypt(Buffer.from(await req.arrayBuffer())); if (!p.body) throw new Error('empty'); seen.add(path); } catch { errors++; }
      return new Response(null, { status: 201 });
    } });
    console.log(server.port);
  `;
}
