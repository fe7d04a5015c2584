// The benchmark's markdown summary: one table per scenario, and the targets with pass/fail.
import type { BenchResults } from './run';
import type { PlainStep } from './plain-ramp';
import { signallingTable } from './signalling';

const table = (head: string[], rows: (string | number | null)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => c ?? '–').join(' | ')} |`)].join('\n');

/** Salon's cost per packet over the bare baseline at the same speakers and listeners. */
export function overheadRatios(plain: PlainStep[]) {
  return plain
    .filter((row) => row.target === 'salon')
    .flatMap((salon) => {
      const bare = plain.find((b) => b.target === 'bare' && b.speakers === salon.speakers && b.listeners === salon.listeners && b.workers === salon.workers);
      return bare ? [{ speakers: salon.speakers, listeners: salon.listeners, salon: salon.usPerPacket, bare: bare.usPerPacket, ratio: Math.round((salon.usPerPacket / bare.usPerPacket) * 100) / 100 }] : [];
    });
}

/** Total worker CPU over total packets, Salon's over the baseline's, on the steps both ran. */
export function overallRatio(plain: PlainStep[]): number {
  const paired = overheadRatios(plain);
  const cost = (target: 'salon' | 'bare') => {
    const rows = plain.filter((x) => x.target === target && paired.some((p) => p.speakers === x.speakers && p.listeners === x.listeners));
    const packets = rows.reduce((n, x) => n + x.forwardedPerSecond, 0);
    return rows.reduce((n, x) => n + x.usPerPacket * x.forwardedPerSecond, 0) / packets;
  };
  return Math.round((cost('salon') / cost('bare')) * 100) / 100;
}

/** The most listeners carried with loss ≤ 0.5% and delay p99 ≤ 50 ms. */
export function capacity(rows: PlainStep[], speakers: number, workers: number, target: 'salon' | 'bare' = 'salon') {
  const ok = rows.filter((r) => r.target === target && r.speakers === speakers && r.workers === workers && (r.lossMeanPercent ?? 100) <= 0.5 && (r.delayP99 ?? 1e9) <= 50 && r.missingStreams === 0);
  return ok.length ? Math.max(...ok.map((r) => r.listeners)) : 0;
}

export function markdownReport(r: BenchResults): string {
  const out: string[] = [`# Salon benchmark, ${r.startedAt}`, '', `${r.machine.cores} cores, Bun ${r.machine.bun}, ${r.machine.windowSeconds} s windows${r.machine.quick ? ' (quick run)' : ''}.`, ''];
  const plainHead = ['target', 'workers', 'speakers', 'listeners', 'per worker', 'forwarded pkt/s', 'worker CPU %', 'µs/packet', 'sampled delivered %', 'loss mean %', 'loss max %', 'streams >0.5%', 'delay p50 ms', 'delay p99 ms', 'server CPU %', 'generators CPU %', 'WS msg/s', 'workers RSS MB', 'server RSS MB'];
  const plainRow = (x: PlainStep) => [x.target, x.workers, x.speakers, x.listeners, x.listenersPerWorker.join('/'), x.forwardedPerSecond, x.workerCpu.join('/'), x.usPerPacket, x.sampledDeliveredPercent, x.lossMeanPercent, x.lossMaxPercent, x.streamsOverHalfPercent, x.delayP50, x.delayP99, x.serverCpu, x.generatorCpu, x.messagesPerSecond, x.workerRssMb, x.serverRssMb];
  if (r.plain.length) {
    out.push('## Forwarding: SRTP PlainTransport listeners', '', table(plainHead, r.plain.map(plainRow)), '');
    const ratios = overheadRatios(r.plain);
    if (ratios.length) {
      out.push('### Salon vs bare mediasoup (worker µs per forwarded packet)', '', table(['speakers', 'listeners', 'salon', 'bare', 'ratio'], ratios.map((x) => [x.speakers, x.listeners, x.salon, x.bare, x.ratio])), '');
      out.push(`Over all steps (CPU over packets, both sides): ${overallRatio(r.plain).toFixed(2)}x the bare baseline.`, '');
    }
    out.push(`Capacity (loss ≤ 0.5%, p99 ≤ 50 ms), 2 workers: 1 speaker ${capacity(r.plain, 1, 2)}, 3 speakers ${capacity(r.plain, 3, 2)}, 10 speakers ${capacity(r.plain, 10, 2)} listeners.`, '');
  }
  if (r.scaling.length) {
    out.push('## One worker (for the 2-worker scaling factor)', '', table(plainHead, r.scaling.map(plainRow)), '');
    const one = capacity(r.scaling, 1, 1);
    const two = capacity(r.plain, 1, 2);
    out.push(`Capacity with 1 speaker: 1 worker ${one}, 2 workers ${two} (${one ? (two / one).toFixed(2) : '–'}x).`, '');
  }
  const weriftHead = ['listeners', 'join/s', 'joined', 'hearing', 'stuck', 'errors', 'join p50 ms', 'join p95 ms', 'join p99 ms', 'server / generators CPU % while joining', 'median loss %', 'worst listener pkts', 'expected pkts', 'delay p50 ms', 'delay p99 ms', 'worker CPU %', 'server CPU %', 'generators CPU %', 'WS msg/s', 'RSS KB/listener (server + workers)'];
  const weriftRow = (x: (typeof r.werift)[number]) => [x.listeners, x.joinPerSecond, x.joined, x.hearing, x.stuck, x.errors, x.joinP50, x.joinP95, x.joinP99, `${x.joinServerCpu} / ${x.joinGeneratorCpu}`, x.lossMedianPercent, x.worstListenerPackets, x.expectedPackets, x.delayP50, x.delayP99, x.workerCpu.join('/'), x.serverCpu, x.generatorCpu, x.messagesPerSecond, `${x.rssPerListenerKb} (${x.serverKbPerListener} + ${x.workersKbPerListener})`];
  if (r.werift.length) out.push('## WebRTC listeners (werift), ramp', '', table(weriftHead, r.werift.map(weriftRow)), '');
  if (r.storm.length) out.push('## Join storm (werift)', '', table(weriftHead, r.storm.map(weriftRow)), '');
  if (r.recording.length) {
    const head = ['recorded', 'listeners', 'loss mean %', 'loss max %', 'delay p99 ms', 'worker CPU %', 'server CPU %', 'server RSS MB', 'recorders', 'recorders CPU % (all)', 'recorders RSS MB (all)'];
    const rows = r.recording.map((x) => [x.recorded ? 'yes' : 'no', x.listeners, x.lossMeanPercent, x.lossMaxPercent, x.delayP99, x.workerCpu.join('/'), x.serverCpu, x.serverRssMb, x.recorders, x.recorderCpu, x.recorderRssMb]);
    out.push('## Recording a 3-speaker room (same listeners, unrecorded then recorded)', '', table(head, rows), '');
  }
  if (r.signalling) out.push('## Signalling', '', signallingTable(r.signalling), '');
  return out.join('\n');
}
