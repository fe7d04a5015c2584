// Salon behind a real reverse proxy, with the configurations of docs/reverse-proxy.md as they are
// (docs/caddy/Caddyfile, docs/nginx/salon.conf; only the name, ports and certificate paths replaced):
// Chromium on the https address signs up, starts a room and speaks a tone; another Chromium listens on
// the same https address and hears it. The room WebSocket (/r/<id>/ws) goes through the proxy, the audio
// does not (it goes to Salon's webRtcPort directly).
// - Caddy (Debian package caddy) with `tls internal`: its own local CA, its own data/config folders in a
//   temp folder, high ports on loopback, no admin endpoint, no root needed.
// - nginx (Debian package nginx) with a self-signed certificate made here by openssl, its own prefix.
// The browsers map *.test to 127.0.0.1 and ignore certificate errors (the proxies' certificates are not
// from a CA they know); the pages are still https, a secure context, with Secure cookies.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import type { Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser, startRoomInBrowser, toneWav, waitForAudio, type AudioReading } from '../support/browser';
import { RoomClient } from '../support/room-client';
import { WebClient } from '../support/web-client';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';

const docs = join(import.meta.dir, '../../docs');
const tone = (r: AudioReading) => r.rms > 0.05 && Math.abs(r.peakHz - 440) < 25;
const browserArgs = ['--ignore-certificate-errors', '--host-resolver-rules=MAP *.test 127.0.0.1'];

let dir: string;
let speakerBrowser: Awaited<ReturnType<typeof launchBrowser>>;
let listenerBrowser: Awaited<ReturnType<typeof launchBrowser>>;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  dir = tempDir('salon-proxy-');
  speakerBrowser = await launchBrowser(await toneWav(dir, 440), { extraArgs: browserArgs });
  listenerBrowser = await launchBrowser(undefined, { extraArgs: browserArgs });
  closers.push(() => speakerBrowser.close(), () => listenerBrowser.close());
}, 30_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch((e) => console.error(e));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A TCP port free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `text` with `from` replaced by `to`; fails when the docs no longer contain `from` (keep both in step). */
function replaceOnce(text: string, from: string | RegExp, to: string, file: string): string {
  if (!(typeof from === 'string' ? text.includes(from) : from.test(text))) throw new Error(`${file} no longer contains ${from}: update this test with the docs`);
  return typeof from === 'string' ? text.replaceAll(from, to) : text.replace(new RegExp(from.source, from.flags.includes('g') ? from.flags : from.flags + 'g'), to);
}

/** Starts a proxy process, collecting its output, and waits until `port` accepts https. */
async function startProxy(name: string, cmd: string[], env: Record<string, string>, hostName: string, port: number): Promise<{ log: () => string }> {
  const proc: Subprocess<'ignore', 'pipe', 'pipe'> = Bun.spawn(cmd, { env: { ...process.env, ...env }, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  let log = '';
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) log += decoder.decode(chunk);
  };
  void collect(proc.stdout);
  void collect(proc.stderr);
  closers.push(async () => {
    proc.kill('SIGTERM');
    await proc.exited;
  });
  const answers = async () => {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}):\n${log}`);
    // Any answer over TLS will do (the certificate is checked by nobody here: the browsers ignore errors).
    const res = await fetch(`https://127.0.0.1:${port}/healthz`, { headers: { host: `${hostName}:${port}` }, tls: { rejectUnauthorized: false, serverName: hostName } } as RequestInit).catch(() => null);
    return res !== null;
  };
  await waitFor(answers, 15_000, `${name} to answer on https://127.0.0.1:${port}`).catch((error) => {
    throw new Error(`${(error as Error).message}\n${log}`);
  });
  return { log: () => log };
}

/**
 * The speaker (signed up through the proxy) starts a room and unmutes; the listener opens the room link
 * (anonymous) through the proxy and must hear the 440 Hz tone.
 */
async function speakAndHear(origin: string, handle: string): Promise<{ speaker: Page; listener: Page; roomUrl: string }> {
  const speaker = await speakerBrowser.context.newPage();
  const listener = await listenerBrowser.context.newPage();
  closers.push(() => speaker.close(), () => listener.close());
  await signUpInBrowser(speaker, origin, handle);
  const roomUrl = await startRoomInBrowser(speaker, origin, `Behind ${handle}`);
  expect(roomUrl.startsWith(`${origin}/r/`)).toBe(true);
  await speaker.click('button.listen');
  await speaker.getByRole('button', { name: 'Unmute' }).click();
  await listener.goto(roomUrl);
  expect(await listener.evaluate(() => [location.protocol, window.isSecureContext])).toEqual(['https:', true]);
  await listener.click('button.listen');
  await waitForAudio(listener, tone, 20_000, `the 440 Hz tone through ${origin}`);
  // Salon knows it is on https (publicUrl): its cookies are Secure.
  const session = (await speakerBrowser.context.cookies(origin)).find((c) => c.name === 'salon_session');
  expect(session?.secure).toBe(true);
  return { speaker, listener, roomUrl };
}

describe('behind Caddy (docs/caddy/Caddyfile, tls internal)', () => {
  let salon: TestSalon;
  let origin = '';
  let caddyLog = () => '';

  beforeAll(async () => {
    const caddy = Bun.which('caddy');
    if (!caddy) throw new Error('caddy is not installed: the test set-up installs the Debian package caddy (scripts/install-system-deps.sh test)');
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    origin = `https://salon.test:${httpsPort}`;
    salon = await startTestSalon({ trustProxy: 'true', publicUrl: origin });
    closers.push(() => salon.dispose());

    const file = join(docs, 'caddy/Caddyfile');
    let site = readFileSync(file, 'utf8');
    site = replaceOnce(site, /^salon\.example\.org \{$/m, `salon.test:${httpsPort} {\n\ttls internal`, file);
    site = replaceOnce(site, /reverse_proxy 127\.0\.0\.1:8080$/m, `reverse_proxy 127.0.0.1:${salon.port}`, file);
    // Test-only global options: no admin endpoint, no system trust store, high ports on loopback.
    const global = `{\n\tadmin off\n\tskip_install_trust\n\thttp_port ${httpPort}\n\thttps_port ${httpsPort}\n\tdefault_bind 127.0.0.1\n}\n\n`;
    const caddyDir = join(dir, 'caddy');
    mkdirSync(caddyDir);
    const config = join(caddyDir, 'Caddyfile');
    writeFileSync(config, global + site);
    const env = { HOME: caddyDir, XDG_DATA_HOME: join(caddyDir, 'data'), XDG_CONFIG_HOME: join(caddyDir, 'config') };
    ({ log: caddyLog } = await startProxy('caddy', [caddy, 'run', '--config', config, '--adapter', 'caddyfile'], env, 'salon.test', httpsPort));
  }, 30_000);

  test('a speaker and a listener on the https address: the room socket goes through Caddy, the listener hears the tone', async () => {
    try {
      await speakAndHear(origin, 'caddy_host');
    } catch (error) {
      console.error(caddyLog().slice(-4000));
      throw error;
    }
    // The certificate came from Caddy's own local CA, kept in the data folder given to it.
    expect(readFileSync(join(dir, 'caddy/data/caddy/pki/authorities/local/root.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
  }, 60_000);
});

describe('behind nginx (docs/nginx/salon.conf, self-signed certificate)', () => {
  let salon: TestSalon;
  let origin = '';
  let httpsPort = 0;
  let nginxLog = () => '';

  beforeAll(async () => {
    const nginx = Bun.which('nginx') ?? ['/usr/sbin/nginx'].find((p) => Bun.file(p).size > 0);
    if (!nginx) throw new Error('nginx is not installed: the test set-up installs the Debian package nginx (scripts/install-system-deps.sh test)');
    httpsPort = await freePort();
    const httpPort = await freePort();
    origin = `https://salon-nginx.test:${httpsPort}`;
    salon = await startTestSalon({ trustProxy: 'true', publicUrl: origin });
    closers.push(() => salon.dispose());

    const prefix = join(dir, 'nginx');
    mkdirSync(join(prefix, 'temp'), { recursive: true });
    const cert = join(prefix, 'cert.pem');
    const key = join(prefix, 'key.pem');
    const openssl = Bun.spawnSync(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=salon-nginx.test', '-addext', 'subjectAltName=DNS:salon-nginx.test'], { stderr: 'pipe' });
    if (openssl.exitCode !== 0) throw new Error(`openssl failed: ${openssl.stderr.toString()}`);

    const file = join(docs, 'nginx/salon.conf');
    let site = readFileSync(file, 'utf8');
    site = replaceOnce(site, /^\s*listen \[::\]:(80|443).*\n/m, '', file);
    site = replaceOnce(site, /listen 443 ssl/, `listen 127.0.0.1:${httpsPort} ssl`, file);
    site = replaceOnce(site, /listen 80;/, `listen 127.0.0.1:${httpPort};`, file);
    site = replaceOnce(site, /ssl_certificate +\S+;/, `ssl_certificate ${cert};`, file);
    site = replaceOnce(site, /ssl_certificate_key +\S+;/, `ssl_certificate_key ${key};`, file);
    site = replaceOnce(site, /server 127\.0\.0\.1:8080;/, `server 127.0.0.1:${salon.port};`, file);
    site = replaceOnce(site, /salon\.example\.org/, 'salon-nginx.test', file);
    writeFileSync(join(prefix, 'salon.conf'), site);
    // The main configuration Debian's /etc/nginx/nginx.conf would be, reduced to what runs here.
    const temp = (name: string) => `${name}_temp_path ${join(prefix, 'temp', name)};`;
    writeFileSync(
      join(prefix, 'nginx.conf'),
      [
        'daemon off;',
        ...(process.getuid?.() === 0 ? ['user root;'] : []), // workers write the temp folders below
        'worker_processes 1;',
        `pid ${join(prefix, 'nginx.pid')};`,
        'error_log stderr warn;',
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
        `  include ${join(prefix, 'salon.conf')};`,
        '}',
      ].join('\n'),
    );
    ({ log: nginxLog } = await startProxy('nginx', [nginx, '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr'], {}, 'salon-nginx.test', httpsPort));
  }, 30_000);

  test('a speaker and a listener on the https address: the room socket goes through nginx, the listener hears the tone', async () => {
    try {
      const { roomUrl } = await speakAndHear(origin, 'nginx_host');
      // A plain WebSocket client through nginx too: the upgrade, the Origin check against publicUrl.
      const roomId = roomUrl.split('/').pop()!;
      const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // the self-signed certificate, for this one client
      try {
        const direct = `https://127.0.0.1:${httpsPort}`;
        const visitor = new WebClient(direct);
        expect((await visitor.get(`/r/${roomId}`)).status).toBe(200); // the signed anonymous cookie
        const room = new RoomClient(visitor, direct, roomId, { host: `salon-nginx.test:${httpsPort}`, origin });
        await room.opened;
        const snapshot = await room.next((m) => m.type === 'snapshot' || m.type === 'error', 5000);
        expect(snapshot.type).toBe('snapshot');
        room.close();
        const foreign = new RoomClient(visitor, direct, roomId, { host: `salon-nginx.test:${httpsPort}`, origin: 'https://elsewhere.test' });
        expect(await foreign.opened.then(() => 'opened', () => 'refused')).toBe('refused'); // 403 before the upgrade
        foreign.close();
      } finally {
        if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
      }
    } catch (error) {
      console.error(nginxLog().slice(-4000));
      throw error;
    }
  }, 60_000);

  test('plain http on the proxy redirects to https', async () => {
    const conf = readFileSync(join(dir, 'nginx/salon.conf'), 'utf8');
    const httpPort = conf.match(/listen 127\.0\.0\.1:(\d+);/)![1];
    const res = await fetch(`http://127.0.0.1:${httpPort}/r/abc`, { headers: { host: 'salon-nginx.test' }, redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://salon-nginx.test/r/abc');
  });
});
