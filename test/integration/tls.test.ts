// HTTPS from certificate files: settings checked together, clear start-up errors, pages and room
// sockets over TLS with the configured certificate, the plain port redirecting, and certificates
// replaced on disk picked up without a restart (a bad replacement refused, the old one kept).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { ConfigError, loadConfig } from '../../src/config/config.load';
import { StartupError } from '../../src/startup-error';
import { makeCertificate } from '../support/pebble';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp } from '../support/web-client';

const dir = tempDir('salon-tls-');
const ca = makeCertificate(dir, 'ca', []);
const caPem = readFileSync(ca.cert, 'utf8');
const first = makeCertificate(dir, 'first', ['localhost', '127.0.0.1'], ca);
const second = makeCertificate(dir, 'second', ['localhost', '127.0.0.1'], ca);
const other = makeCertificate(dir, 'other', ['localhost'], ca);
// The files Salon serves: replaced by copies during the test, like a renewal would.
const certPath = join(dir, 'live.crt');
const keyPath = join(dir, 'live.key');
copyFileSync(first.cert, certPath);
copyFileSync(first.key, keyPath);

const serialOf = (file: string) => new X509Certificate(readFileSync(file)).serialNumber;

/** The certificate the server presents, verified against the test CA for the name 127.0.0.1. */
function servedCertificate(port: number): Promise<{ serial: string; subjectaltname: string; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost' }, () => {
      const cert = socket.getPeerCertificate();
      resolve({ serial: cert.serialNumber, subjectaltname: cert.subjectaltname ?? '', authorized: socket.authorized });
      socket.end();
    });
    socket.on('error', reject);
  });
}

let salon: TestSalon;
const realFetch = globalThis.fetch;
beforeAll(async () => {
  salon = await startTestSalon({ tlsCert: certPath, tlsKey: keyPath, httpsPort: '0', httpRedirectPort: '0' });
  // The test's web client trusts the test CA for this server (and only for it).
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) =>
    String(input instanceof Request ? input.url : input).startsWith(salon.url)
      ? realFetch(input, { ...init, tls: { ca: caPem } } as RequestInit)
      : realFetch(input, init)) as typeof fetch;
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await salon?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTPS settings', () => {
  const load = (flags: Record<string, string>) => () => loadConfig({ flags, env: {} });
  test('certificate without key, domain without email, both modes at once: refused, naming the settings', () => {
    expect(load({ tlsCert: certPath })).toThrow(/tlsCert is set .* but tlsKey is empty/);
    expect(load({ tlsKey: keyPath })).toThrow(/tlsKey is set .* but tlsCert is empty/);
    expect(load({ domain: 'salon.example.org' })).toThrow(/domain is set \(salon.example.org\) but acmeEmail is empty/);
    expect(load({ domain: 'salon.example.org', acmeEmail: 'a@example.org', tlsCert: certPath, tlsKey: keyPath })).toThrow(/choose certificate files .* or automatic certificates/);
    expect(load({ domain: 'not a domain' })).toThrow(/domain = "not a domain" .*expected a DNS name/);
    expect(load({ acmeEmail: 'nobody' })).toThrow(/acmeEmail .*expected an email address/);
    expect(load({ tlsCert: certPath, tlsKey: keyPath, httpsPort: '8443', httpRedirectPort: '8443' })).toThrow(/need two ports/);
    expect(load({ tlsCert: certPath })).toThrow(ConfigError);
  });

  test('a domain makes the public URL https://<domain> (with the port when not 443)', () => {
    expect(loadConfig({ flags: { domain: 'Salon.Example.org', acmeEmail: 'a@example.org' }, env: {} }).publicUrl).toBe('https://salon.example.org');
    expect(loadConfig({ flags: { domain: 'salon.example.org', acmeEmail: 'a@example.org', httpsPort: '8443' }, env: {} }).publicUrl).toBe('https://salon.example.org:8443');
    expect(loadConfig({ flags: { domain: 'salon.example.org', acmeEmail: 'a@example.org', publicUrl: 'https://audio.example.org' }, env: {} }).publicUrl).toBe('https://audio.example.org');
    expect(loadConfig({ env: {} }).acmeDirectoryUrl).toBe('https://acme-v02.api.letsencrypt.org/directory');
  });
});

describe('start-up refuses unusable certificate files', () => {
  const start = (cert: string, key: string) => startTestSalon({ tlsCert: cert, tlsKey: key, httpsPort: '0', httpRedirectPort: '0' });
  test('a missing certificate file names tlsCert', async () => {
    const error = await start(join(dir, 'nope.crt'), keyPath).catch((e) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect(error.message).toContain(`tlsCert: cannot read ${join(dir, 'nope.crt')} (no such file)`);
  });
  test('a key of another certificate names tlsKey', async () => {
    const error = await start(certPath, other.key).catch((e) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect(error.message).toMatch(/tlsKey \(.*other.key\) does not match tlsCert/);
  });
  test('a file that is not a certificate names tlsCert', async () => {
    const error = await start(keyPath, keyPath).catch((e) => e);
    expect(error.message).toMatch(/tlsCert \(.*\) is not a PEM certificate/);
  });
});

describe('serving over HTTPS', () => {
  test('pages are served with the configured certificate, cookies are Secure', async () => {
    expect(salon.url).toBe(`https://127.0.0.1:${salon.port}`);
    const served = await servedCertificate(salon.port);
    expect(served.authorized).toBe(true);
    expect(served.serial).toBe(serialOf(first.cert));
    expect(served.subjectaltname).toContain('IP Address:127.0.0.1');
    const res = await fetch(`${salon.url}/`);
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
  });

  test('room sockets work over wss', async () => {
    const host = await signUp(salon.url, 'tls_host');
    const created = await host.client.post('/studio/rooms', { title: 'Over TLS' });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const cookie = [...host.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const socket = new WebSocket(`wss://127.0.0.1:${salon.port}/r/${id}/ws`, { headers: { cookie, 'x-forwarded-for': host.client.ip }, tls: { ca: caPem } } as any);
    const first = await new Promise<any>((resolve, reject) => {
      socket.onmessage = (e) => resolve(JSON.parse(String(e.data)));
      socket.onerror = () => reject(new Error('wss failed'));
    });
    expect(first.type).toBe('snapshot');
    socket.close();
  });

  test('the plain port redirects to https (308, same host, path and query) and answers only known ACME challenges', async () => {
    const plain = `http://127.0.0.1:${salon.https!.redirectPort}`;
    const res = await realFetch(`${plain}/r/abc?x=1&y=2`, { redirect: 'manual', method: 'POST', body: 'a' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe(`https://127.0.0.1:${salon.port}/r/abc?x=1&y=2`);
    const named = await realFetch(`${plain}/`, { redirect: 'manual', headers: { host: 'salon.example.org' } });
    expect(named.headers.get('location')).toBe(`https://salon.example.org:${salon.port}/`);
    expect((await realFetch(`${plain}/.well-known/acme-challenge/unknown`)).status).toBe(404);
  });
});

describe('certificate files replaced on disk', () => {
  test('a new certificate is served without a restart; a bad one is refused and the old one keeps serving', async () => {
    // Replaced the way certbot and cp do: a new file renamed over the old one.
    writeFileSync(`${keyPath}.new`, readFileSync(second.key));
    writeFileSync(`${certPath}.new`, readFileSync(second.cert));
    renameSync(`${keyPath}.new`, keyPath);
    renameSync(`${certPath}.new`, certPath);
    const expected = serialOf(second.cert);
    await waitFor(async () => (await servedCertificate(salon.port)).serial === expected, 10_000, 'the new certificate');
    expect((await fetch(`${salon.url}/healthz`)).status).toBe(200);

    // A key that does not match: refused, said why, the second certificate stays.
    writeFileSync(keyPath, readFileSync(other.key));
    await waitFor(() => /does not match/.test(salon.https!.lastError() ?? ''), 10_000, 'the refusal');
    expect(salon.https!.lastError()).toMatch(/tlsKey \(.*live.key\) does not match tlsCert/);
    expect((await servedCertificate(salon.port)).serial).toBe(expected);
    expect((await fetch(`${salon.url}/healthz`)).status).toBe(200);

    // Put right, then reloaded on demand (what SIGHUP does).
    writeFileSync(keyPath, readFileSync(first.key));
    writeFileSync(certPath, readFileSync(first.cert));
    await salon.https!.reload();
    expect((await servedCertificate(salon.port)).serial).toBe(serialOf(first.cert));
    expect(salon.https!.lastError()).toBeUndefined();
  });
});

describe('the salon command with certificate files', () => {
  test('serves HTTPS, and SIGHUP reloads the certificate instead of stopping the server', async () => {
    const dataDir = tempDir('salon-tls-process-');
    const files = makeCertificate(dir, 'process', ['localhost', '127.0.0.1'], ca);
    const proc = Bun.spawn(
      [process.execPath, 'src/main.ts', '--host', '127.0.0.1', '--data-dir', dataDir, '--workers', '1', '--rtc-listen-ip', '127.0.0.1', '--web-rtc-port', '0',
        '--tls-cert', files.cert, '--tls-key', files.key, '--https-port', '0', '--http-redirect-port', '0'],
      { cwd: join(import.meta.dir, '../..'), env: { ...process.env, SALON_LOG_LEVEL: 'info' }, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' },
    );
    let log = '';
    void (async () => {
      for await (const chunk of proc.stderr) log += new TextDecoder().decode(chunk);
    })();
    try {
      await waitFor(() => /listening on https:\/\/127\.0\.0\.1:\d+/.test(log) || proc.exitCode !== null, 20_000, 'the server');
      const port = Number(log.match(/listening on https:\/\/127\.0\.0\.1:(\d+)/)![1]);
      expect((await servedCertificate(port)).serial).toBe(serialOf(files.cert));
      copyFileSync(second.key, files.key);
      copyFileSync(second.cert, files.cert);
      proc.kill('SIGHUP');
      await waitFor(() => /SIGHUP: reloading the HTTPS certificate/.test(log), 5_000, 'the SIGHUP log line');
      await waitFor(async () => (await servedCertificate(port)).serial === serialOf(second.cert), 5_000, 'the reloaded certificate');
      expect(proc.exitCode).toBeNull();
      proc.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(log).toContain('stopped cleanly');
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
