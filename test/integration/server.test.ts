import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, type WebClient } from '../support/web-client';

let salon: TestSalon;
let admin: WebClient; // the first account is the admin: only admins see /healthz's detail
beforeAll(async () => {
  salon = await startTestSalon({ workerHealthIntervalMs: '500' });
  admin = (await signUp(salon.url, 'root_admin')).client;
});
afterAll(async () => {
  await salon.dispose();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(salon.url + path, { headers });
const healthDetail = async () => (await (await admin.get('/healthz', 'json')).json()).detail;

describe('/healthz', () => {
  test('is 200 with the database and a live worker', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok', media: 'ok' });
    const detail = await healthDetail();
    expect(detail.db.ok).toBe(true);
    expect(detail.media.live).toBe(1);
    expect(detail.media.workers[0].pid).toBeGreaterThan(0);
    expect(detail.server.pid).toBe(process.pid);
  });

  test('process ids and other internals are for admins only', async () => {
    const workerPid = salon.pool.status().workers[0]!.pid!;
    const member = (await signUp(salon.url, 'member')).client;
    for (const res of [await get('/healthz'), await member.get('/healthz', 'json')]) {
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ status: 'ok', db: 'ok', media: 'ok' });
      expect(text).not.toContain(String(workerPid));
      expect(text).not.toContain(String(process.pid));
    }
    const detail = await healthDetail();
    expect(detail.media.workers[0].pid).toBe(workerPid);
    expect(detail.server).toMatchObject({ pid: process.pid, version: expect.any(String), mode: expect.any(String) });
  });

  test('the worker really creates a router and a WebRtcTransport', async () => {
    const router = await salon.pool.createRouter({
      mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
    });
    const transport = await router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }], enableUdp: true });
    expect(transport.iceCandidates.length).toBeGreaterThan(0);
    expect(transport.iceCandidates[0]!.ip).toBe('127.0.0.1');
    expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    router.close();
    expect(transport.closed).toBe(true);
  });

  test('a killed worker is replaced and /healthz recovers', async () => {
    const before = (await healthDetail()).media.workers[0];
    process.kill(before.pid, 'SIGKILL');

    // While it is down the instance reports it (503: no live worker), then recovers on its own.
    await waitFor(async () => (await get('/healthz')).status === 503, 5000, '/healthz to report the dead worker');
    await waitFor(async () => (await get('/healthz')).status === 200, 10_000, '/healthz to recover');

    const after = (await healthDetail()).media.workers[0];
    expect(after.pid).not.toBe(before.pid);
    expect(after.restarts).toBe(1);
    // The replacement is a working worker.
    const router = await salon.pool.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
    expect((await router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }] })).id).toBeString();
    router.close();
  });

  test('a worker that stops answering is killed and replaced', async () => {
    const before = (await healthDetail()).media.workers[0];
    process.kill(before.pid, 'SIGSTOP'); // alive but frozen: only the health check can tell
    const replaced = () => salon.pool.status().workers[0]!;
    await waitFor(() => replaced().alive && replaced().pid !== before.pid, 20_000, 'the frozen worker to be replaced');
    expect(replaced().pid).toBeNumber();
    await waitFor(async () => (await get('/healthz')).status === 200, 10_000, '/healthz to recover');
    expect(() => process.kill(before.pid, 0)).toThrow(); // the frozen one was killed, not leaked
  });
});

describe('pages', () => {
  test('home says what the instance is, in English by default', async () => {
    const res = await get('/', { accept: 'text/html' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Live audio rooms for your community');
    expect(page).toContain('/static/htmx.min.js');
  });

  test('home in French from Accept-Language', async () => {
    const page = await (await get('/', { 'accept-language': 'fr-FR,fr;q=0.9' })).text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('Des salons audio en direct pour votre communauté');
  });

  test('htmx and CSS are served locally', async () => {
    const htmx = await get('/static/htmx.min.js');
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get('content-type')).toContain('javascript');
    expect(await htmx.text()).toContain('htmx');
    const css = await get('/static/salon.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    // Compressed for browsers that accept it (fetch decodes it transparently).
    const room = await fetch(salon.url + '/static/room.js', { headers: { 'accept-encoding': 'gzip' }, decompress: false } as RequestInit);
    expect(room.headers.get('content-encoding')).toBe('gzip');
    expect((await room.arrayBuffer()).byteLength).toBeLessThan(80_000);
  });

  test('security headers are set on every response', async () => {
    for (const path of ['/', '/healthz', '/static/salon.css', '/nope']) {
      const res = await get(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'self'");
    }
  });

  test('unknown paths are 404: an HTML page for browsers, JSON otherwise', async () => {
    const page = await get('/no/such/page', { accept: 'text/html', 'accept-language': 'fr' });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Page introuvable');
    const json = await get('/no/such/thing');
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: 'Not found' });
    const asset = await get('/static/../../package.json');
    expect(asset.status).toBe(404);
    const missing = await get('/static/secret.txt');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toBe('No static file named secret.txt');
  });
});
