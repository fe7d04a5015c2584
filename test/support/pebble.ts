// A real ACME server on loopback for the HTTPS tests: Debian's pebble (Let's Encrypt's test CA),
// with pebble-challtestsrv as its DNS server (every name resolves to 127.0.0.1), so the CA really
// fetches the HTTP-01 challenge from Salon's plain port, offline.
import type { Subprocess } from 'bun';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const pebbleBin = Bun.which('pebble');
export const challtestsrvBin = Bun.which('pebble-challtestsrv');

/** A TCP port free right now (bound, then released). */
export function freePort(): number {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

export function openssl(args: string[], cwd: string) {
  const result = Bun.spawnSync(['openssl', ...args], { cwd, stdout: 'pipe', stderr: 'pipe' });
  if (result.exitCode !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr.toString()}`);
  return result.stdout.toString();
}

/** A CA and a leaf certificate signed by it for `names` (DNS names and IP addresses), in `dir`. */
export function makeCertificate(dir: string, name: string, names: string[], ca?: { cert: string; key: string }, days = 2) {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  const subject = `/CN=${names[0] ?? name}`;
  if (!ca) {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
      '-days', String(days), '-subj', subject, ...(names.length ? ['-addext', `subjectAltName=${san}`] : [])], dir);
    return { cert, key };
  }
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', subject], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', String(days), '-extfile', ext], dir);
  return { cert, key };
}

export interface Pebble {
  directoryUrl: string;
  /** PEM of the CA that signed pebble's own HTTPS certificate (Salon's acmeCaFile). */
  caFile: string;
  /** PEM of the root that signs the certificates pebble issues (fetched after start). */
  issuingRoot(): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

export interface PebbleOptions {
  /** The port pebble fetches http://<name>:<port>/.well-known/acme-challenge/ from (Salon's httpRedirectPort). */
  httpPort: number;
  /** Lifetime of issued certificates, in seconds. */
  validitySeconds?: number;
}

export async function startPebble(options: PebbleOptions): Promise<Pebble> {
  if (!pebbleBin || !challtestsrvBin) throw new Error('pebble is not installed (Debian package pebble: apt-get install pebble)');
  const dir = mkdtempSync(join(tmpdir(), 'salon-pebble-'));
  const ca = makeCertificate(dir, 'ca', []);
  const server = makeCertificate(dir, 'pebble', ['localhost', '127.0.0.1'], ca);
  const [listenPort, managementPort, dnsPort, dnsManagementPort, tlsPort] = [freePort(), freePort(), freePort(), freePort(), freePort()];
  writeFileSync(join(dir, 'pebble.json'), JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${listenPort}`,
      managementListenAddress: `127.0.0.1:${managementPort}`,
      certificate: server.cert,
      privateKey: server.key,
      httpPort: options.httpPort,
      tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      ...(options.validitySeconds ? { certificateValidityPeriod: options.validitySeconds } : {}),
    },
  }));
  let log = '';
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) log += decoder.decode(chunk);
  };
  const procs: Subprocess<'ignore', 'pipe', 'pipe'>[] = [];
  const spawn = (cmd: string[], env: Record<string, string> = {}) => {
    const proc = Bun.spawn(cmd, { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
    void collect(proc.stdout);
    void collect(proc.stderr);
    procs.push(proc);
  };
  // Only A records (127.0.0.1): Salon's test listeners are IPv4.
  spawn([challtestsrvBin, '-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '',
    '-management', `127.0.0.1:${dnsManagementPort}`, '-defaultIPv4', '127.0.0.1', '-defaultIPv6', '']);
  spawn([pebbleBin, '-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
    PEBBLE_VA_NOSLEEP: '1', // validate at once
    PEBBLE_VA_ALWAYS_VALID: '0', // really fetch the challenge from Salon
    PEBBLE_WFE_NONCEREJECT: '0', // no random bad-nonce rejections
    PEBBLE_AUTHZREUSE: '0', // every order validates again (renewals too)
  });
  const caPem = await Bun.file(ca.cert).text();
  const directoryUrl = `https://localhost:${listenPort}/dir`;
  const stop = async () => {
    for (const proc of procs) proc.kill();
    await Promise.all(procs.map((proc) => proc.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(directoryUrl, { tls: { ca: caPem } }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline || procs.some((p) => p.exitCode !== null)) {
      await stop();
      throw new Error(`pebble did not start:\n${log}`);
    }
    await Bun.sleep(50);
  }
  return {
    directoryUrl,
    caFile: ca.cert,
    issuingRoot: () => fetch(`https://localhost:${managementPort}/roots/0`, { tls: { ca: caPem } }).then((r) => r.text()),
    output: () => log,
    stop,
  };
}
