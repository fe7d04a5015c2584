// Signalling cost in a big room (the target: 5,000 listeners): with N connected listener sockets, one join,
// one hand raise and one reaction each cost a bounded number of WebSocket publishes (coalesced),
// and a burst of 1,000 reactions in a second costs < 20% of one core.
//   bun scripts/bench/signalling.ts --sockets 5000 --reactions 1000    (exit code 1 if a target is missed)
// The server runs in this process (its CPU is what process.cpuUsage() measures); the sockets run
// in a child process (socket-crowd.ts). Needs MEDIASOUP_WORKER_BIN, as `npm start` sets it.
import { readFileSync } from 'node:fs';
import { hashPassword } from '../../src/accounts/password';
import { insertUser } from '../../src/accounts/users.repository';
import type { AppDeps } from '../../src/app-deps';
import { flushDelayFor, maxFlushIntervalMs } from '../../src/rooms/live/room-broadcaster';
import { startTestSalon, waitFor } from '../../test/support/salon';
import { signUp } from '../../test/support/web-client';
import { startSocketCrowd, type SocketSpec } from './socket-crowd';

export interface EventCost {
  /** Messages the server published or sent (RoomBroadcaster.messagesOut delta). */
  publishes: number;
  /** WebSocket frames all crowd sockets received. */
  frames: number;
  maxFramesPerSocket: number;
  framesByType: Record<string, number>;
  /** Server process CPU over the window (ms): user + system, and the system (kernel) part alone. */
  cpuMs: number;
  cpuSystemMs: number;
  /** The crowd process's CPU from the start of the window to the count (ms): shows whether the clients kept up. */
  crowdCpuMs: number;
  windowMs: number;
}

export interface SignallingResult {
  sockets: number;
  reactions: number;
  /** kbPerSocket: server RSS growth per connected socket; heapKbPerSocket: the JavaScript heap's part of it. */
  connect: { ms: number; failed: number; rssBeforeMb: number; rssAfterMb: number; kbPerSocket: number; heapKbPerSocket: number };
  join: EventCost;
  handRaise: EventCost;
  reaction: EventCost;
  burst: EventCost & { sendMs: number; cpuPercentOfCore: number; idleCpuPercentOfCore: number };
  targets: { maxPublishesPerEvent: number; maxBurstPublishes: number; maxBurstCpuPercent: number };
  pass: { join: boolean; handRaise: boolean; reaction: boolean; burstPublishes: boolean; burstCpu: boolean; all: boolean };
}

const maxPublishesPerEvent = 5;
const maxBurstCpuPercent = 20;
const burstMs = 1000;
/** Long enough for the coalesced flush after an event, and for the crowd to read it. */
const settleMs = maxFlushIntervalMs + 250;
/** Results are read by people: one decimal is plenty. */
const round = (value: number) => Math.round(value * 10) / 10;

export async function runSignallingBench(options: { sockets: number; reactions: number; log?: (line: string) => void }): Promise<SignallingResult> {
  const { sockets, reactions } = options;
  const log = options.log ?? (() => {});
  if (reactions > sockets) throw new Error('--reactions cannot exceed --sockets (each reaction comes from a distinct listener)');
  checkOpenFileLimit(sockets + 200);
  const salon = await startTestSalon({ logLevel: 'error' });
  const crowd = startSocketCrowd();
  try {
    // Host: the first account is the admin; let it host without followers.
    const host = await signUp(salon.url, 'bench_host');
    await host.client.post('/admin/settings', { hostMinFollowers: '0' });
    const res = await host.client.post('/studio/rooms', { title: 'Signalling benchmark' });
    const roomId = ((await res.json()) as { id: string }).id;
    const live = salon.deps.live.get(roomId)!;

    // Reacting and raising a hand need an account. Seeded straight into the database: signing up
    // 1,000 people through the form would spend a minute on argon2 and is not what we measure.
    log(`seeding ${reactions} signed-in listeners`);
    const sessions = await seedAccounts(salon.deps, reactions);
    const hostSession = decodeURIComponent(host.client.cookies.get('salon_session')!);

    // Index 0 is the host; 1..reactions are signed in; the rest are anonymous.
    await crowd.connect(salon.url, roomId, [{ session: hostSession }]);
    Bun.gc(true);
    const before = process.memoryUsage();
    log(`connecting ${sockets} listener sockets`);
    const specs: SocketSpec[] = [...sessions.map((session) => ({ session })), ...Array.from({ length: sockets - reactions }, () => ({}))];
    const connected = await crowd.connect(salon.url, roomId, specs);
    await waitFor(() => live.state.listenerCount() === sockets - connected.failed, 30_000, 'every listener in the room');
    const connectMs = connected.ms;
    Bun.gc(true);
    const after = process.memoryUsage();
    log(`connected in ${(connectMs / 1000).toFixed(1)} s (${connected.failed} failed)`);

    /** Waits for a quiet room, runs `trigger`, and counts what the server sent over `windowMs` from then. */
    const measure = async (trigger: () => Promise<unknown>, windowMs = settleMs): Promise<EventCost> => {
      await Bun.sleep(settleMs);
      await crowd.counts(); // start from zero
      const out = live.broadcaster.messagesOut;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await trigger();
      await Bun.sleep(Math.max(0, started + windowMs - performance.now()));
      const used = process.cpuUsage(cpu);
      const elapsed = performance.now() - started;
      const publishes = live.broadcaster.messagesOut - out;
      await Bun.sleep(100); // frames published at the end of the window are still on their way
      const counts = await crowd.counts();
      if (counts.closed) throw new Error(`${counts.closed} crowd sockets closed during the benchmark`);
      return {
        publishes,
        frames: counts.frames,
        maxFramesPerSocket: counts.maxPerSocket,
        framesByType: counts.byType,
        cpuMs: round((used.user + used.system) / 1000),
        cpuSystemMs: round(used.system / 1000),
        crowdCpuMs: round(counts.cpuMs),
        windowMs: round(elapsed),
      };
    };

    log('one join');
    const join = await measure(() => crowd.connect(salon.url, roomId, [{}]));
    log('one hand raise');
    const handRaise = await measure(() => crowd.send(1, { type: 'raiseHand' }));
    log('one reaction');
    const reaction = await measure(() => crowd.send(2, { type: 'react', emoji: '🎉' }));

    // The burst window covers the second of sending plus the flush after it; its CPU is counted
    // against one second (conservative). An idle window of the same length shows the background.
    const windowMs = burstMs + settleMs;
    const idle = await measure(async () => {}, windowMs);
    log(`burst of ${reactions} reactions over ${burstMs} ms`);
    let sendMs = 0;
    const reactors = Array.from({ length: reactions }, (_, i) => i + 1);
    const burstCost = await measure(async () => {
      sendMs = round((await crowd.burst(reactors, { type: 'react', emoji: '👏' }, burstMs)).ms);
    }, windowMs);
    const burst = { ...burstCost, sendMs, cpuPercentOfCore: round((burstCost.cpuMs / burstMs) * 100), idleCpuPercentOfCore: round((idle.cpuMs / burstMs) * 100) };

    const maxBurstPublishes = Math.ceil(windowMs / flushDelayFor(sockets)) + 1;
    // A listener gets at most the new count (join) or nothing (hand) or the reactions flush.
    const bounded = (e: EventCost) => e.publishes <= maxPublishesPerEvent && e.maxFramesPerSocket <= 2;
    const pass = {
      join: bounded(join),
      handRaise: bounded(handRaise),
      reaction: bounded(reaction),
      burstPublishes: burst.publishes <= maxBurstPublishes,
      burstCpu: burst.cpuPercentOfCore < maxBurstCpuPercent,
      all: false,
    };
    pass.all = pass.join && pass.handRaise && pass.reaction && pass.burstPublishes && pass.burstCpu;
    return {
      sockets,
      reactions,
      connect: {
        ms: round(connectMs),
        failed: connected.failed,
        rssBeforeMb: round(before.rss / 2 ** 20),
        rssAfterMb: round(after.rss / 2 ** 20),
        kbPerSocket: round((after.rss - before.rss) / 1024 / sockets),
        heapKbPerSocket: round((after.heapUsed - before.heapUsed) / 1024 / sockets),
      },
      join,
      handRaise,
      reaction,
      burst,
      targets: { maxPublishesPerEvent, maxBurstPublishes, maxBurstCpuPercent },
      pass,
    };
  } finally {
    await crowd.stop();
    await salon.dispose();
  }
}

/** `count` member accounts sharing one password hash, each with a session; returns the cookie tokens. */
async function seedAccounts(deps: AppDeps, count: number): Promise<string[]> {
  const passwordHash = await hashPassword('bench-listener-password');
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const handle = `listener_${i}`;
    const user = await insertUser(deps.db, { handle, email: `${handle}@example.org`, password_hash: passwordHash, display_name: `Listener ${i}` });
    tokens.push(await deps.sessions.create(user.id, { userAgent: 'signalling-bench', ip: '127.0.0.1' }));
  }
  return tokens;
}

/** Each process holds one descriptor per socket. Bun raises its soft limit to the hard one by itself. */
function checkOpenFileLimit(needed: number) {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const soft = Number(line?.split(/\s+/)[3]);
  if (soft < needed) throw new Error(`open file limit ${soft} < ${needed}: raise it (ulimit -n ${needed}) before running`);
}

export function signallingTable(r: SignallingResult): string {
  const row = (name: string, e: EventCost, ok: boolean) =>
    `| ${name} | ${e.publishes} | ${e.frames} | ${e.maxFramesPerSocket} | ${e.cpuMs.toFixed(1)} (${e.cpuSystemMs.toFixed(1)} sys) | ${e.crowdCpuMs.toFixed(1)} | ${ok ? 'pass' : 'FAIL'} |`;
  return [
    `Signalling, ${r.sockets} listener sockets (+ host), ${r.reactions}-reaction burst`,
    '',
    '| event | server publishes | frames received | max frames/socket | server CPU ms | crowd CPU ms | result |',
    '|---|---|---|---|---|---|---|',
    row('one join', r.join, r.pass.join),
    row('one hand raise', r.handRaise, r.pass.handRaise),
    row('one reaction', r.reaction, r.pass.reaction),
    row(`${r.reactions} reactions in ${burstMs} ms`, r.burst, r.pass.burstPublishes),
    '',
    `- burst CPU: ${r.burst.cpuPercentOfCore.toFixed(1)}% of one core (target < ${r.targets.maxBurstCpuPercent}%; idle background ${r.burst.idleCpuPercentOfCore.toFixed(1)}%): ${r.pass.burstCpu ? 'pass' : 'FAIL'}`,
    `- connect: ${r.sockets} sockets in ${(r.connect.ms / 1000).toFixed(1)} s (${r.connect.failed} failed); server RSS ${r.connect.rssBeforeMb.toFixed(0)} → ${r.connect.rssAfterMb.toFixed(0)} MB, ${r.connect.kbPerSocket.toFixed(1)} KB per socket (JS heap ${r.connect.heapKbPerSocket.toFixed(1)} KB)`,
  ].join('\n');
}

if (import.meta.main) {
  const arg = (name: string, fallback: number) => {
    const i = Bun.argv.indexOf(`--${name}`);
    const value = i > 0 ? Number(Bun.argv[i + 1]) : fallback;
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const result = await runSignallingBench({ sockets: arg('sockets', 5000), reactions: arg('reactions', 1000), log: (line) => console.error(line) });
  console.log(signallingTable(result));
  console.log('\n```json\n' + JSON.stringify(result, null, 2) + '\n```');
  process.exit(result.pass.all ? 0 : 1);
}
