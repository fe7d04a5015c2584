// Request bodies are limited per route before anything parses them: forms and JSON are small, the
// profile form (with its avatar) a little over 2 MB; streamed bodies without a length are refused.
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let alice: Account;
beforeAll(async () => {
  salon = await startTestSalon();
  alice = await signUp(salon.url, 'alice');
});
afterAll(() => salon.dispose());

const kib = 1024;
/** A real PNG of random pixels (incompressible, so about 3 bytes per pixel), as a browser would upload it. */
function noisePng(side: number): File {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, Bun.hash.crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, side);
  new DataView(header.buffer).setUint32(4, side);
  header.set([8, 2], 8); // 8-bit RGB
  const rows = new Uint8Array(side * (1 + side * 3));
  crypto.getRandomValues(rows.subarray(0, 65536));
  for (let i = 65536; i < rows.length; i += 65536) crypto.getRandomValues(rows.subarray(i, Math.min(rows.length, i + 65536)));
  for (let y = 0; y < side; y++) rows[y * (1 + side * 3)] = 0; // filter: none
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = [signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', new Uint8Array())];
  return new File(parts, 'me.png', { type: 'image/png' });
}

async function postRaw(client: WebClient, path: string, body: BodyInit, type: string, accept: 'json' | 'html' = 'json') {
  return client.fetch(path, { method: 'POST', body, accept, headers: { 'content-type': type, 'x-csrf-token': await client.csrfToken() } });
}

describe('forms and JSON', () => {
  test('a form body over 64 KB is refused with 413 naming the limit, before the handler runs', async () => {
    const client = new WebClient(salon.url);
    const res = await client.post('/login', { login: 'alice', password: alice.password, padding: 'x'.repeat(70 * kib) });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe('Request body too large: the limit here is 64 KB');
    expect(client.signedIn).toBe(false);
  });

  test('browsers get the same message on an error page', async () => {
    const res = await new WebClient(salon.url).post('/signup', { handle: 'bigform', bio: 'x'.repeat(100 * kib) }, { accept: 'html' });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Request body too large: the limit here is 64 KB');
  });

  test('a body just under the limit still reaches the handler', async () => {
    const client = new WebClient(salon.url);
    const res = await client.post('/login', { login: 'alice', password: alice.password, padding: 'x'.repeat(60 * kib) });
    expect(res.status).toBe(200);
    expect(client.signedIn).toBe(true);
  });

  test('a JSON body over the limit gets 413 too', async () => {
    const res = await postRaw(alice.client, '/settings/invites', JSON.stringify({ maxUses: '1', pad: 'y'.repeat(80 * kib) }), 'application/json');
    expect(res.status).toBe(413);
  });

  test('deeply nested JSON is refused at once, naming the depth limit', async () => {
    const started = Date.now();
    const deep = '['.repeat(30_000) + ']'.repeat(30_000); // 60 KB: within the size limit
    const res = await postRaw(alice.client, '/admin/settings', `{"instanceName":${deep}}`, 'application/json');
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('Request body nested too deep: at most 32 levels');
    expect(Date.now() - started).toBeLessThan(1000);
    const fine = await postRaw(alice.client, '/settings/invites', JSON.stringify({ maxUses: [[[['1']]]] }), 'application/json');
    expect(fine.status).toBe(400); // an ordinary validation error
  });
});

describe('the avatar upload', () => {
  test('takes a 2 MB image', async () => {
    const form = new FormData();
    form.set('displayName', 'Alice');
    const image = noisePng(830);
    expect(image.size).toBeGreaterThan(1.95 * 1024 * kib);
    expect(image.size).toBeLessThanOrEqual(2 * 1024 * kib);
    form.set('avatar', image);
    const res = await alice.client.post('/settings/profile', form);
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: expect.any(String) });
    const user = await salon.db.selectFrom('users').select('avatar_file').where('handle', '=', 'alice').executeTakeFirstOrThrow();
    expect(user.avatar_file).toMatch(/\.png$/);
  });

  test('a body a little over its limit gets 413 naming the limit', async () => {
    const form = new FormData();
    form.set('displayName', 'Alice');
    form.set('avatar', new File([new Uint8Array(2 * 1024 * kib + 100 * kib)], 'me.png', { type: 'image/png' }));
    const res = await alice.client.post('/settings/profile', form);
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe('Request body too large: the limit here is 2.1 MB');
  });

  test('other routes keep the small limit even for multipart', async () => {
    const form = new FormData();
    form.set('title', 'Big');
    form.set('avatar', noisePng(200));
    expect((await alice.client.post('/studio/rooms', form)).status).toBe(413);
  });

  test('far too large bodies are cut off by the server itself', async () => {
    const form = new FormData();
    form.set('avatar', new File([new Uint8Array(10 * 1024 * kib)], 'me.png', { type: 'image/png' }));
    const res = await alice.client.post('/settings/profile', form);
    expect(res.status).toBe(413);
    expect(await res.text()).toBe(''); // Bun's own answer (maxRequestBodySize): our hook never ran
  });
});

describe('bodies without a length', () => {
  test('a chunked body is refused with 411', async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('login=alice&password=x'));
        controller.close();
      },
    });
    const res = await alice.client.fetch('/login', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': await alice.client.csrfToken() },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(411);
    expect((await res.json()).error).toBe('Send the request body with a Content-Length header');
  });

  test('ordinary requests without a body are unaffected', async () => {
    expect((await alice.client.get('/settings/invites', 'json')).status).toBe(200);
    expect((await alice.client.post('/settings/invites', {})).status).toBe(201);
  });
});
