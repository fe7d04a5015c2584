// GET /metrics: off by default (404), a Bearer token (401 without it), or loopback-only (the socket's
// address, not X-Forwarded-For); the text parses with a Prometheus parser and follows rooms as they
// start, fill and end.
import { afterAll, describe, expect, test } from 'bun:test';
import { networkInterfaces } from 'node:os';
import { parsePrometheus, sampleValue } from '../support/prometheus-text';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp } from '../support/web-client';

const started: TestSalon[] = [];
afterAll(() => Promise.all(started.map((s) => s.dispose())));
async function salonWith(flags: Record<string, string>) {
  const salon = await startTestSalon(flags);
  started.push(salon);
  return salon;
}

async function scrape(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parsePrometheus(await res.text());
}

describe('GET /metrics access', () => {
  test('off by default: 404, whatever is sent', async () => {
    const salon = await salonWith({});
    expect((await fetch(`${salon.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${salon.url}/metrics`, { headers: { authorization: 'Bearer anything' } })).status).toBe(404);
  });

  test('with metricsToken: 401 without the token or with a wrong one, 200 with it', async () => {
    const salon = await salonWith({ metricsToken: 'scrape-secret-123' });
    const none = await fetch(`${salon.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await fetch(`${salon.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret-124' } })).status).toBe(401);
    expect((await fetch(`${salon.url}/metrics`, { headers: { authorization: 'Basic scrape-secret-123' } })).status).toBe(401);
    const families = await scrape(salon.url, { authorization: 'Bearer scrape-secret-123' });
    expect(sampleValue(families, 'salon_rooms_live')).toBe(0);
  });

  test('with metricsAllowLocal: served to loopback, refused to another address even when X-Forwarded-For says 127.0.0.1', async () => {
    const salon = await salonWith({ metricsAllowLocal: 'true', host: '0.0.0.0' });
    const port = salon.port;
    const families = await scrape(`http://127.0.0.1:${port}`, { 'x-forwarded-for': '203.0.113.9' });
    expect(families.has('salon_http_request_duration_seconds')).toBe(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!external) return console.warn('no non-loopback IPv4 address here: the refusal from another address is not checked');
    const res = await fetch(`http://${external}:${port}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('metricsAllowLocal');
  });
});

describe('metric values', () => {
  test('rooms, participants by role, sockets, joins, workers, queues, HTTP latency by route pattern', async () => {
    const salon = await salonWith({ metricsToken: 'tok' });
    const get = () => scrape(salon.url, { authorization: 'Bearer tok' });
    const before = await get();
    expect(sampleValue(before, 'salon_rooms_live')).toBe(0);
    expect(sampleValue(before, 'salon_room_participants', { role: 'listener' })).toBe(0);
    expect(sampleValue(before, 'salon_media_workers_up')).toBe(1);
    expect(sampleValue(before, 'salon_jobs_pending')).toBe(0);
    expect(sampleValue(before, 'salon_notification_deliveries_pending')).toBe(0);
    expect(sampleValue(before, 'salon_recordings_in_progress')).toBe(0);
    expect(sampleValue(before, 'salon_media_worker_cpu_seconds_total', { worker: '0' })).toBeGreaterThanOrEqual(0);
    for (const name of ['salon_room_joins_total', 'salon_media_packets_forwarded_total', 'salon_media_worker_routers', 'salon_media_worker_listener_streams', 'process_resident_memory_bytes']) {
      expect(before.get(name), name).toBeDefined();
    }
    const joinsBefore = sampleValue(before, 'salon_room_joins_total');

    const admin = await signUp(salon.url, 'met_admin');
    const host = await signUp(salon.url, 'met_host');
    const listener = await signUp(salon.url, 'met_listener');
    const hostId = (await salon.db.selectFrom('users').select('id').where('handle', '=', 'met_host').executeTakeFirstOrThrow()).id;
    expect((await admin.client.post(`/admin/users/${hostId}/grant-host`)).status).toBeLessThan(400);
    const created = await host.client.post('/studio/rooms', { title: 'Metrics room' });
    expect(created.status).toBe(201);
    const roomId = (await created.json()).id as string;
    const hostWs = await RoomClient.join(host.client, salon.url, roomId);
    const listenerWs = await RoomClient.join(listener.client, salon.url, roomId);
    await listener.client.get(`/r/${roomId}`); // one page view of a room: the histogram names the pattern
    // Live HLS served by its fast path is counted apart: each playlist, and one segment.
    let playlists = 0;
    let segmentUri: string | undefined;
    while (!segmentUri && playlists < 10) {
      const playlist = await listener.client.get(`/r/${roomId}/live.m3u8`);
      expect(playlist.status).toBe(200);
      playlists++;
      segmentUri = (await playlist.text()).split('\n').find((l) => l.endsWith('.aac')); // the mix's first segment may take a few seconds
    }
    expect((await listener.client.get(`/r/${roomId}/${segmentUri}`)).status).toBe(200);

    const during = await get();
    expect(sampleValue(during, 'salon_rooms_live')).toBe(1);
    expect(sampleValue(during, 'salon_room_participants', { role: 'host' })).toBe(1);
    expect(sampleValue(during, 'salon_room_participants', { role: 'listener' })).toBe(1);
    expect(sampleValue(during, 'salon_room_sockets_open')).toBe(2);
    expect(sampleValue(during, 'salon_room_joins_total')).toBe(joinsBefore + 2);
    expect(sampleValue(during, 'salon_rooms_started_total')).toBe(1);
    expect(sampleValue(during, 'salon_media_worker_routers', { worker: '0' })).toBeGreaterThanOrEqual(1);
    expect([sampleValue(during, 'salon_hls_requests_total', { kind: 'playlist' }), sampleValue(during, 'salon_hls_requests_total', { kind: 'segment' })]).toEqual([playlists, 1]);
    const text = await (await fetch(`${salon.url}/metrics`, { headers: { authorization: 'Bearer tok' } })).text();
    expect(text).toMatch(/salon_http_request_duration_seconds_count\{[^}]*route="\/r\/:id"[^}]*\} [1-9]/);
    expect(text).not.toContain(`route="/r/${roomId}"`); // patterns, not raw URLs: bounded series
    expect(text).toMatch(/salon_http_request_duration_seconds_bucket\{[^}]*le="0.005"[^}]*route="\/signup"/);

    listenerWs.close();
    await waitFor(async () => sampleValue(await get(), 'salon_room_sockets_open') === 1, 5000, 'the listener socket counted closed');
    expect((await host.client.post(`/r/${roomId}/end`, {})).status).toBe(200);
    await hostWs.waitClosed();
    const after = await get();
    expect(sampleValue(after, 'salon_rooms_live')).toBe(0);
    expect(sampleValue(after, 'salon_room_participants', { role: 'host' })).toBe(0);
    expect(sampleValue(after, 'salon_room_sockets_open')).toBe(0);
    expect(sampleValue(after, 'salon_room_joins_total')).toBe(joinsBefore + 2); // a counter: it stays

    // Every metric the Grafana dashboard in docs/ queries is one this server exposes.
    const dashboard = await Bun.file(new URL('../../docs/grafana-dashboard.json', import.meta.url)).text();
    const used = new Set([...dashboard.matchAll(/\b((?:salon|process)_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, '')));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect([name, after.has(name)]).toEqual([name, true]);
  });
});
