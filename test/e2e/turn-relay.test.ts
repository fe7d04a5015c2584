// TURN that relays: a listener that can reach Salon's web port and coturn, but not Salon's media port,
// hears the room through a coturn relay, with the time-limited credentials Salon hands out (turnSecret).
// The topology does the blocking (no iptables): the listener's Chromium runs in a network namespace
// joined to this host by a veth pair; Salon's web port and coturn listen on the veth's host address,
// while Salon's media (webRtcPort) listens on and announces 127.0.0.1, which in the namespace is the
// namespace's own loopback, where nothing listens. coturn relays from 127.0.0.1 to Salon's media port.
// coturn runs with docs/coturn/turnserver.conf as it is (name, ports, secret and the allowed media
// address substituted; no TLS here), so the relay policy of docs/turn.md is the one tested: private and
// loopback peers denied, except Salon's media address.
// Needs root and `ip` (iproute2), and coturn's turnserver: it fails, never skips, without.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import type { Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser, startRoomInBrowser, toneWav, waitForAudio, type AudioReading } from '../support/browser';
import { createNamespace, type NetNamespace } from '../support/netns';
import { startTestSalon, tempDir, type TestSalon } from '../support/salon';
import { waitForStun } from '../support/turn-client';

const testFile = 'test/e2e/turn-relay.test.ts';
const secret = 'turn-relay-test-secret';
const tone = (r: AudioReading) => r.rms > 0.05 && Math.abs(r.peakHz - 440) < 25;

let ns: NetNamespace;
let salon: TestSalon;
let dir: string;
let coturnLog = '';
let turnPort = 0;
const closers: (() => Promise<unknown>)[] = [];
let speaker: Page, listener: Page;
let roomUrl: string;

async function freeUdpPort(host: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** docs/coturn/turnserver.conf with this test's port, secret and allowed peer; fails when the docs drift. */
function coturnConfig(): string {
  const file = 'docs/coturn/turnserver.conf';
  let conf = readFileSync(join(import.meta.dir, '../..', file), 'utf8');
  const swap = (from: RegExp, to: string) => {
    if (!from.test(conf)) throw new Error(`${file} no longer matches ${from}: update ${testFile} with the docs`);
    conf = conf.replace(from, to);
  };
  swap(/^listening-port=3478$/m, `listening-port=${turnPort}`);
  swap(/^tls-listening-port=.*\n/m, ''); // no TLS in the test (--no-tls below)
  swap(/^(cert|pkey)=.*\n/gm, '');
  swap(/^external-ip=.*\n/m, ''); // no NAT here: the relay address is the relay-ip itself
  swap(/^static-auth-secret=.*$/m, `static-auth-secret=${secret}`);
  swap(/^# allowed-peer-ip=.*$/m, 'allowed-peer-ip=127.0.0.1'); // Salon's media address, here loopback
  return conf;
}

async function startCoturn(): Promise<void> {
  const turnserver = Bun.which('turnserver');
  if (!turnserver) throw new Error('turnserver is not installed: the test set-up installs the Debian package coturn');
  turnPort = await freeUdpPort(ns.hostIp);
  const config = join(dir, 'turnserver.conf');
  writeFileSync(config, coturnConfig());
  const proc: Subprocess<'ignore', 'pipe', 'pipe'> = Bun.spawn(
    [
      turnserver,
      '-c',
      config,
      `--listening-ip=${ns.hostIp}`, // reachable from the namespace
      '--relay-ip=127.0.0.1', // relays towards Salon's media, on loopback
      '--allow-loopback-peers', // coturn refuses 127.x peers (403 Forbidden IP) even when allowed-peer-ip names one
      '--no-tls',
      '--no-dtls',
      '--log-file=stdout',
      '--verbose',
      `--userdb=${join(dir, 'turndb')}`,
      `--pidfile=${join(dir, 'turnserver.pid')}`,
    ],
    { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' },
  );
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) coturnLog += decoder.decode(chunk);
  };
  void collect(proc.stdout);
  void collect(proc.stderr);
  closers.push(async () => {
    proc.kill('SIGTERM');
    await proc.exited;
  });
  try {
    await waitForStun(ns.hostIp, turnPort, 10_000);
  } catch (error) {
    throw new Error(`coturn did not answer on ${ns.hostIp}:${turnPort} (exit ${proc.exitCode}): ${(error as Error).message}\n${coturnLog}`);
  }
}

beforeAll(async () => {
  dir = tempDir('salon-turn-relay-');
  closers.push(async () => ns?.remove());
  ns = await createNamespace('turn', testFile);
  await startCoturn();
  salon = await startTestSalon({
    host: ns.hostIp, // the web port: reachable from the namespace
    rtcListenIp: '127.0.0.1', // the media port: not reachable from the namespace
    rtcAnnouncedIp: '127.0.0.1',
    turnUrls: `turn:${ns.hostIp}:${turnPort}?transport=udp`,
    turnSecret: secret,
  });
  closers.push(() => salon.dispose());
  // http on a non-localhost address: let Chromium count it as secure (microphone, mediasoup-client).
  const extraArgs = [`--unsafely-treat-insecure-origin-as-secure=${salon.url}`];
  const s = await launchBrowser(await toneWav(dir, 440), { extraArgs });
  closers.push(() => s.close());
  const l = await launchBrowser(undefined, { extraArgs, executablePath: ns.chromiumWrapper(dir) });
  closers.push(() => l.close());
  [speaker, listener] = [s.page, l.page];
  await signUpInBrowser(speaker, salon.url, 'turn_host');
  roomUrl = await startRoomInBrowser(speaker, salon.url, 'Through TURN');
  await speaker.click('button.listen');
  await speaker.getByRole('button', { name: 'Unmute' }).click();
}, 45_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch((e) => console.error(e));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface PairReport {
  state: string;
  local: { type: string; address: string; port: number; protocol: string; relayProtocol?: string } | null;
  remote: { type: string; address: string; port: number; protocol: string } | null;
  bytesReceived: number;
}

/** The listener's receive transport: its selected candidate pair, and every pair Chromium tried. */
function recvIce(page: Page): Promise<{ selected: PairReport | null; pairs: PairReport[] }> {
  return page.evaluate(async () => {
    const recv = (window as any).salonRoom?.audio?.recv; // RoomClient.audio.recv: private to TypeScript only
    if (!recv) return { selected: null, pairs: [] };
    const stats: RTCStatsReport = await recv.getStats();
    const all = [...stats.values()] as any[];
    const candidate = (id: string) => {
      const c = all.find((s) => s.id === id);
      return c ? { type: c.candidateType, address: c.address ?? c.ip, port: c.port, protocol: c.protocol, relayProtocol: c.relayProtocol } : null;
    };
    const report = (p: any): PairReport => ({ state: p.state, local: candidate(p.localCandidateId), remote: candidate(p.remoteCandidateId), bytesReceived: p.bytesReceived ?? 0 });
    const transport = all.find((s) => s.type === 'transport');
    const selected = all.find((s) => s.type === 'candidate-pair' && s.id === transport?.selectedCandidatePairId);
    return { selected: selected ? report(selected) : null, pairs: all.filter((s) => s.type === 'candidate-pair').map(report) };
  });
}

test('a listener who cannot reach the media port hears the room through the TURN relay', async () => {
  // The namespace really cannot reach Salon's media: 127.0.0.1 there is its own loopback.
  expect(await ns.exec('ip', 'route', 'get', ns.hostIp)).toContain(ns.nsIf);

  await listener.goto(roomUrl);
  await listener.click('button.listen');
  try {
    await waitForAudio(listener, tone, 25_000, 'the 440 Hz tone through the TURN relay');
  } catch (error) {
    console.error(JSON.stringify(await recvIce(listener), null, 1), '\n', coturnLog.slice(-4000));
    throw error;
  }
  const { selected, pairs } = await recvIce(listener);
  // The audio came over a relay candidate (coturn's relay on 127.0.0.1) to Salon's media port...
  expect(selected?.state).toBe('succeeded');
  expect(selected?.local).toMatchObject({ type: 'relay', address: '127.0.0.1', relayProtocol: 'udp' });
  expect(selected?.remote).toMatchObject({ type: 'host', address: '127.0.0.1' }); // Salon's announced media address
  expect(selected!.bytesReceived).toBeGreaterThan(0);
  // ...because the direct pairs (the listener's own address to Salon's announced one) did not work.
  const direct = pairs.filter((p) => p.local?.type === 'host');
  for (const p of direct) expect(p.state).not.toBe('succeeded');

  // coturn saw Salon's time-limited user name (<expiry>:<opaque id>), not a static login.
  expect(coturnLog).toMatch(/username=<\d{10}:[\w-]{16}>/);
}, 45_000);
