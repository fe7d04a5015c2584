// Automatic certificates against a real ACME server on loopback (Debian's pebble): the CA really
// fetches the HTTP-01 challenge from Salon's plain port. Issue at start, serve it (chain and name
// checked against pebble's root), renew a short-lived certificate without a restart, and a failed
// validation reported in words an admin can act on while Salon keeps running.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { explainAcmeError } from '../../src/tls/acme-errors';
import { freePort, pebbleBin, startPebble, type Pebble } from '../support/pebble';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';

// The test set-up (`npm test`) installs pebble: missing, this fails with the reason rather than skipping.
if (!pebbleBin) throw new Error('test/integration/acme.test.ts needs pebble (Debian package pebble; `npm test` installs it)');

const domain = 'salon.test'; // pebble's DNS (pebble-challtestsrv) answers 127.0.0.1 for every name
const validitySeconds = 15;
const challengePort = freePort(); // where pebble fetches http://salon.test/.well-known/acme-challenge/
let pebble: Pebble;
let root: string;

beforeAll(async () => {
  pebble = await startPebble({ httpPort: challengePort, validitySeconds });
  root = await pebble.issuingRoot();
});
afterAll(async () => {
  await pebble?.stop();
});

const acmeFlags = (plainPort: number) => ({
  domain,
  acmeEmail: 'admin@salon.test',
  acmeDirectoryUrl: pebble.directoryUrl,
  acmeCaFile: pebble.caFile,
  httpsPort: '0',
  httpRedirectPort: String(plainPort),
  acmeCheckIntervalSeconds: '1',
});

/** The certificate served for `domain`, verified against pebble's root (chain and name). */
function served(port: number): Promise<{ serial: string; altNames: string; authorized: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: domain, ca: root, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      resolve({ serial: cert.serialNumber, altNames: cert.subjectaltname ?? '', authorized: socket.authorized, error: socket.authorizationError?.toString() });
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe("the CA's refusals in an admin's words (Let's Encrypt's wording)", () => {
  const context = { domain: 'salon.example.org', directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory', httpRedirectPort: 80 };
  const explain = (message: string) => explainAcmeError(new Error(message), context);
  test('DNS, firewall, another server, rate limit, CAA', () => {
    expect(explain('DNS problem: NXDOMAIN looking up A for salon.example.org - check that a DNS record exists for this domain')).toStartWith(
      'The certificate authority cannot find salon.example.org in DNS: create an A (and/or AAAA) record',
    );
    expect(explain('203.0.113.9: Fetching http://salon.example.org/.well-known/acme-challenge/x: Timeout during connect (likely firewall problem)')).toStartWith(
      'The certificate authority could not reach http://salon.example.org/.well-known/acme-challenge/: check that salon.example.org points to this server and that port 80 of salon.example.org is open',
    );
    expect(explain('203.0.113.9: Invalid response from http://salon.example.org/.well-known/acme-challenge/x: 404')).toStartWith(
      'The certificate authority reached salon.example.org on port 80, but not this Salon',
    );
    expect(explain('Error creating new order :: too many certificates already issued for exact set of domains')).toStartWith("The certificate authority's rate limit was hit");
    expect(explain('Error finalizing order :: CAA record for salon.example.org prevents issuance')).toContain('refuses to issue certificates for salon.example.org');
    expect(explain('Invalid response from x: 404')).toEndWith('The certificate authority said: Invalid response from x: 404');
  });
});

describe('ACME with pebble', () => {
  test('validation that cannot reach Salon is reported clearly; Salon keeps running and says so on the plain port', async () => {
    // Salon's plain port is not the one pebble validates against: nothing answers there.
    const salon = await startTestSalon(acmeFlags(freePort()));
    try {
      expect(salon.https!.certificate()).toBeUndefined();
      const reason = salon.https!.lastError()!;
      expect(reason).toContain(`The certificate authority could not reach http://${domain}/.well-known/acme-challenge/`);
      expect(reason).toContain(`check that ${domain} points to this server and that port 80 of ${domain} is open and reaches Salon's plain HTTP port`);
      expect(reason).toMatch(/The certificate authority said: .*(refused|connect)/i);
      const page = await fetch(`http://127.0.0.1:${salon.https!.redirectPort}/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('has no certificate yet: The certificate authority could not reach');
    } finally {
      await salon.dispose();
    }
  });

  test('port 80 answered by another web server: the CA got the wrong answer, and the admin is told so', async () => {
    const stranger = Bun.serve({ hostname: '127.0.0.1', port: challengePort, fetch: () => new Response('Not here', { status: 404 }) });
    const salon = await startTestSalon(acmeFlags(freePort()));
    try {
      expect(salon.https!.certificate()).toBeUndefined();
      const reason = salon.https!.lastError()!;
      expect(reason).toContain(`The certificate authority reached ${domain} on port 80, but not this Salon`);
      expect(reason).toMatch(/The certificate authority said: .*404/);
    } finally {
      await salon.dispose();
      stranger.stop(true);
    }
  });

  test('a certificate is obtained at start, served for the domain, reused by a restart, and renewed in the background', async () => {
    let salon: TestSalon = await startTestSalon(acmeFlags(challengePort));
    const dataDir = salon.dataDir;
    try {
      const issued = salon.https!.certificate()!;
      expect(issued.names).toEqual([domain]);
      expect(salon.url).toBe(`https://${domain}:${salon.port}`);
      // Stored in the data folder, the keys readable by Salon only.
      for (const file of ['account.key', `${domain}.key`, `${domain}.crt`]) expect(existsSync(join(salon.dataDir, 'tls', file))).toBe(true);
      expect(statSync(join(salon.dataDir, 'tls', `${domain}.key`)).mode & 0o077).toBe(0);

      const first = await served(salon.port);
      expect(first.error).toBeUndefined();
      expect(first.authorized).toBe(true); // leaf + intermediate up to pebble's root
      expect(first.altNames).toBe(`DNS:${domain}`);
      expect(first.serial).toBe(issued.serial);
      const health = await fetch(`https://127.0.0.1:${salon.port}/healthz`, { tls: { ca: root, checkServerIdentity: () => undefined } } as RequestInit);
      expect(health.status).toBe(200);

      // A restart on the same data folder serves the stored certificate without asking the CA.
      await salon.stop();
      const ordersBefore = (pebble.output().match(/POST \/order-plz/g) ?? []).length;
      expect(ordersBefore).toBeGreaterThan(0); // pebble logs each order request
      salon = await startTestSalon({ ...acmeFlags(challengePort), dataDir });
      expect(salon.https!.certificate()!.serial).toBe(issued.serial);
      expect((await served(salon.port)).serial).toBe(issued.serial);
      expect((pebble.output().match(/POST \/order-plz/g) ?? []).length).toBe(ordersBefore);

      // A third of 15 s left: renewed in the background, served on the same port.
      await waitFor(async () => (await served(salon.port)).serial !== first.serial, 30_000, 'the renewed certificate');
      const renewed = await served(salon.port);
      expect(renewed.authorized).toBe(true);
      expect(renewed.serial).toBe(salon.https!.certificate()!.serial);
      expect(salon.https!.lastError()).toBeUndefined();
      expect((await fetch(`https://127.0.0.1:${salon.port}/healthz`, { tls: { ca: root, checkServerIdentity: () => undefined } } as RequestInit)).status).toBe(200);

      // The CA goes away: renewal fails, is retried, and the certificate in service keeps serving.
      await pebble.stop();
      await waitFor(() => salon.https!.lastError() !== undefined, 20_000, 'a failed renewal');
      expect(salon.https!.lastError()).toContain(`Salon cannot talk to the certificate authority at ${pebble.directoryUrl}`);
      expect((await served(salon.port)).serial).toBe(renewed.serial);
    } finally {
      await salon.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
