// The TURN credentials Salon hands to participants, checked against a real coturn on loopback
// (use-auth-secret): fresh ones get a relay; expired ones, a wrong secret or a changed username do not.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { loadConfig } from '../../src/config/config.load';
import { iceServersFor } from '../../src/media/turn-credentials';
import { allocate, waitForStun } from '../support/turn-client';

const turnserver = Bun.which('turnserver');
// The test set-up (`npm test`) installs coturn: missing, this fails with the reason rather than skipping.
if (!turnserver) throw new Error('test/integration/turn.test.ts needs turnserver (Debian package coturn; `npm test` installs it)');

const secret = 'a-shared-secret-for-tests';
const participantId = 'person-7f3a-private-id';

describe('TURN credentials against a real coturn (use-auth-secret)', () => {
  let coturn: Subprocess<'ignore', 'pipe', 'pipe'> | undefined;
  let log = '';
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), 'salon-turn-'));
  const config = () =>
    loadConfig({ env: { SALON_TURN_URLS: `turn:127.0.0.1:${port}?transport=udp`, SALON_TURN_SECRET: secret, SALON_TURN_CREDENTIAL_TTL_SECONDS: '600' } });
  const credentials = (overrides: { secret?: string; now?: number } = {}) => {
    const [server] = iceServersFor({ ...config(), turnSecret: overrides.secret ?? secret }, participantId, overrides.now);
    return { username: server!.username!, credential: server!.credential! };
  };

  beforeAll(async () => {
    if (!turnserver) throw new Error('turnserver is not installed but CI is set: the test set-up must install the Debian package coturn');
    port = await freeUdpPort();
    coturn = Bun.spawn(
      [
        turnserver,
        '-n', // no turnserver.conf: only these options
        '--listening-ip=127.0.0.1',
        `--listening-port=${port}`,
        '--relay-ip=127.0.0.1',
        '--use-auth-secret',
        `--static-auth-secret=${secret}`,
        '--realm=salon.test',
        '--no-tls',
        '--no-dtls',
        '--no-tcp',
        '--no-rfc5780',
        '--allow-loopback-peers',
        '--no-cli',
        '--log-file=stdout',
        '--verbose', // logs each session's user name
        `--userdb=${join(dir, 'turndb')}`,
        `--pidfile=${join(dir, 'turnserver.pid')}`,
      ],
      { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' },
    );
    const collect = async (stream: ReadableStream<Uint8Array>) => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) log += decoder.decode(chunk);
    };
    void collect(coturn.stdout);
    void collect(coturn.stderr);
    try {
      await waitForStun('127.0.0.1', port, 10_000);
    } catch (error) {
      throw new Error(`coturn did not answer on 127.0.0.1:${port} (exit ${coturn.exitCode}): ${(error as Error).message}\n${log}`);
    }
  });

  afterAll(async () => {
    coturn?.kill('SIGTERM');
    await coturn?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test('fresh credentials get a relay, and coturn signs its answer with the same key', async () => {
    const { username, credential } = credentials();
    const result = await allocate('127.0.0.1', port, username, credential);
    expect(result).toMatchObject({ ok: true, integrityValid: true });
    expect(result.ok && result.relayedAddress).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  test('expired credentials are refused (401)', async () => {
    const { username, credential } = credentials({ now: Date.now() - 601_000 });
    expect(Number(username.split(':')[0])).toBeLessThan(Date.now() / 1000);
    expect(await allocate('127.0.0.1', port, username, credential)).toMatchObject({ ok: false, errorCode: 401 });
  });

  test('credentials made with another secret are refused (401)', async () => {
    const { username, credential } = credentials({ secret: 'not-the-secret' });
    expect(await allocate('127.0.0.1', port, username, credential)).toMatchObject({ ok: false, errorCode: 401 });
  });

  test('the password is bound to its username: a later expiry with the same password is refused (401)', async () => {
    const { username, credential } = credentials();
    const [expiry, id] = username.split(':');
    expect(await allocate('127.0.0.1', port, `${Number(expiry) + 86400}:${id}`, credential)).toMatchObject({ ok: false, errorCode: 401 });
  });

  test("the TURN server's log sees the opaque username, never the participant id", async () => {
    const { username, credential } = credentials();
    expect(await allocate('127.0.0.1', port, username, credential)).toMatchObject({ ok: true });
    await Bun.sleep(200); // coturn writes its log lines from another thread
    expect(log).toContain(`user <${username}>`);
    expect(log).not.toContain(participantId);
  });
});

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
