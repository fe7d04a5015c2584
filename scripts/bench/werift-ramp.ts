// Realistic listeners: werift WebRTC peers joining through the page, the room socket and the media
// signalling, in steps (the ramp) or all at once at a fixed rate (the join storm). Measures join
// time, loss and delay as the listeners hear them, CPU, and memory per connected listener.
import type { TestSalon } from '../../test/support/salon';
import type { Child } from './child';
import { between, round, sample } from './metrics';
import { framesPerSecond } from './rtp-payload';

export interface WeriftStep {
  listeners: number;
  joinPerSecond: number;
  joined: number;
  hearing: number;
  stuck: number;
  errors: number;
  firstErrors: string[];
  joinP50: number | null;
  joinP95: number | null;
  joinP99: number | null;
  lossMedianPercent: number;
  worstListenerPackets: number;
  expectedPackets: number;
  delayP50: number | null;
  delayP99: number | null;
  workerCpu: number[];
  serverCpu: number;
  messagesPerSecond: number;
  rssPerListenerKb: number;
  serverKbPerListener: number;
  workersKbPerListener: number;
  /** The werift crowd and the speakers, % of one core: near 100% the crowd itself is the bottleneck. */
  generatorCpu: number;
  /** While the step's listeners joined: server (Bun) CPU and the load generators', % of one core. */
  joinServerCpu: number;
  joinGeneratorCpu: number;
}

export async function rampWerift(
  salon: TestSalon,
  roomId: string,
  speakers: number,
  crowd: Child,
  steps: number[],
  joinPerSecond: number,
  windowSeconds: number,
  generators: number[],
): Promise<WeriftStep[]> {
  const workers = () => salon.pool.liveWorkers();
  const live = salon.deps.live.get(roomId)!;
  Bun.gc(true);
  const empty = await sample(workers());
  const rows: WeriftStep[] = [];
  let listeners = 0;
  for (const size of steps) {
    const joining = await sample(workers(), 0, generators);
    const joined = await crowd.call('join', { baseUrl: salon.url, roomId, count: size - listeners, perSecond: joinPerSecond });
    const joinWindow = between(joining, await sample(workers(), 0, generators));
    listeners = size;
    await Bun.sleep(1000);
    const before = await sample(workers(), live.broadcaster.messagesOut, generators);
    await crowd.call('begin');
    await Bun.sleep(windowSeconds * 1000);
    const heard = await crowd.call('end');
    const after = await sample(workers(), live.broadcaster.messagesOut, generators);
    const window = between(before, after);
    const expectedPackets = Math.round(speakers * framesPerSecond * window.seconds);
    Bun.gc(true);
    const memory = await sample(workers());
    const serverGrowthKb = memory.serverRssKb - empty.serverRssKb;
    const workersGrowthKb = sum(memory.workerRssKb) - sum(empty.workerRssKb);
    const perListener = (kb: number) => Math.round(kb / Math.max(1, heard.listeners));
    const row: WeriftStep = {
      listeners: heard.listeners,
      joinPerSecond,
      joined: joined.joined,
      hearing: joined.hearing,
      stuck: joined.stuck,
      errors: joined.errors,
      firstErrors: joined.firstErrors,
      joinP50: roundOrNull(joined.joinP50),
      joinP95: roundOrNull(joined.joinP95),
      joinP99: roundOrNull(joined.joinP99),
      lossMedianPercent: round(Math.max(0, (1 - heard.packetsMedian / expectedPackets) * 100), 2),
      worstListenerPackets: heard.packetsMin,
      expectedPackets,
      delayP50: roundOrNull(heard.delayP50, 2),
      delayP99: roundOrNull(heard.delayP99, 2),
      workerCpu: window.workerCpu,
      serverCpu: window.serverCpu,
      messagesPerSecond: window.messagesPerSecond,
      rssPerListenerKb: perListener(serverGrowthKb + workersGrowthKb),
      serverKbPerListener: perListener(serverGrowthKb),
      workersKbPerListener: perListener(workersGrowthKb),
      generatorCpu: window.generatorCpu,
      joinServerCpu: joinWindow.serverCpu,
      joinGeneratorCpu: joinWindow.generatorCpu,
    };
    rows.push(row);
    console.log(
      `  werift n${row.listeners} (+${joined.requested} at ${joinPerSecond}/s): joined ${row.joined}, hearing ${row.hearing}, errors ${row.errors}, join p50/p95 ${row.joinP50}/${row.joinP95} ms (server ${row.joinServerCpu}%, generators ${row.joinGeneratorCpu}% while joining), ` +
        `median loss ${row.lossMedianPercent}%, delay p99 ${row.delayP99} ms, cpu ${row.workerCpu.join('/')}% server ${row.serverCpu}% generators ${row.generatorCpu}%, ${row.rssPerListenerKb} KB/listener (server ${row.serverKbPerListener}, workers ${row.workersKbPerListener})`,
    );
    if (row.errors || row.stuck) break;
  }
  return rows;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const roundOrNull = (n: number | null, digits = 0) => (n === null ? null : round(n, digits));
