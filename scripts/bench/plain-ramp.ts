// Pure forwarding cost: cheap listeners (SRTP PlainTransport consumers sending to the UDP sink),
// added in steps to a Salon room (through MediaRoom.openRtpOutput, so Salon places them on its
// routers and workers) or to the bare mediasoup baseline with the same listeners per worker.
import type { types } from 'mediasoup';
import type { TestSalon } from '../../test/support/salon';
import type { BareCluster } from './bare-cluster';
import type { Child } from './child';
import { between, round, sample } from './metrics';
import { framesPerSecond } from './rtp-payload';

export interface PlainTarget {
  label: 'salon' | 'bare';
  speakers: number;
  workers(): types.Worker[];
  messagesOut(): number;
  /** Listeners per worker right now (Salon decides; the baseline copies it). */
  listenersPerWorker(): number[];
  addListener(port: number, srtp: boolean, stepIndex: number): Promise<void>;
}

export interface PlainStep {
  target: 'salon' | 'bare';
  workers: number;
  speakers: number;
  listeners: number;
  listenersPerWorker: number[];
  forwardedPerSecond: number;
  workerCpu: number[];
  usPerPacket: number;
  /** Packets the sink got from the sampled streams, over what they should carry (sink lag shows here). */
  sampledDeliveredPercent: number;
  lossMeanPercent: number | null;
  lossMaxPercent: number | null;
  streamsOverHalfPercent: number;
  missingStreams: number;
  delayP50: number | null;
  delayP99: number | null;
  serverCpu: number;
  generatorCpu: number;
  messagesPerSecond: number;
  workerRssMb: number;
  serverRssMb: number;
}

// One listener in 100 is a plain-RTP probe (its payload gives the delay) and one in 10 an SRTP
// stream the sink counts (loss); the others' packets are dropped by the kernel, unread.
const probeEvery = 100;
const sampleEvery = 10;
const isProbe = (n: number) => n % probeEvery === 0;
const isSampled = (n: number) => isProbe(n) || n % sampleEvery === 1;

/** `generators`: the load generators' processes (speakers, sink), whose CPU is reported apart. */
export async function rampPlain(target: PlainTarget, sink: Child, generators: number[], steps: number[], windowSeconds: number): Promise<PlainStep[]> {
  const ports: { srtp: number[]; probe: number; drop: number } = await sink.call('ports');
  const rows: PlainStep[] = [];
  let listeners = 0;
  for (const [stepIndex, size] of steps.entries()) {
    // Add this step's listeners, 32 at a time (an attach is three worker requests).
    while (listeners < size) {
      const batch = Math.min(32, size - listeners);
      await Promise.all(
        Array.from({ length: batch }, (_, i) => {
          const n = listeners + i;
          if (isProbe(n)) return target.addListener(ports.probe, false, stepIndex);
          return target.addListener(isSampled(n) ? ports.srtp[n % ports.srtp.length]! : ports.drop, true, stepIndex);
        }),
      );
      listeners += batch;
    }
    await Bun.sleep(1500); // settle: new consumers start, keyframe-less audio flows at once
    const before = await sample(target.workers(), target.messagesOut(), generators);
    await sink.call('begin');
    await Bun.sleep(windowSeconds * 1000);
    const sunk = await sink.call('end');
    const after = await sample(target.workers(), target.messagesOut(), generators);
    const window = between(before, after);
    const sampledStreams = Array.from({ length: listeners }, (_, n) => n).filter(isSampled).length * target.speakers;
    const lossMean = sunk.lossMean ?? 1;
    // What the workers sent: every stream at 50 packets/s, less the loss seen on the sample.
    const forwarded = listeners * target.speakers * framesPerSecond * window.seconds * (1 - lossMean);
    const row: PlainStep = {
      target: target.label,
      workers: target.workers().length,
      speakers: target.speakers,
      listeners,
      listenersPerWorker: target.listenersPerWorker(),
      forwardedPerSecond: Math.round(forwarded / window.seconds),
      workerCpu: window.workerCpu,
      usPerPacket: round((window.workerCpuMs * 1000) / Math.max(1, forwarded), 2),
      sampledDeliveredPercent: round((sunk.received / (sampledStreams * framesPerSecond * window.seconds)) * 100, 2),
      lossMeanPercent: sunk.lossMean === null ? null : round(sunk.lossMean * 100, 3),
      lossMaxPercent: sunk.lossMax === null ? null : round(sunk.lossMax * 100, 2),
      streamsOverHalfPercent: sunk.streamsOverHalfPercent,
      missingStreams: sampledStreams - sunk.streams,
      delayP50: sunk.delayP50 === null ? null : round(sunk.delayP50, 2),
      delayP99: sunk.delayP99 === null ? null : round(sunk.delayP99, 2),
      serverCpu: window.serverCpu,
      generatorCpu: window.generatorCpu,
      messagesPerSecond: window.messagesPerSecond,
      workerRssMb: round(after.workerRssKb.reduce((a, b) => a + b, 0) / 1024),
      serverRssMb: round(after.serverRssKb / 1024),
    };
    rows.push(row);
    console.log(`  ${row.target} w${row.workers} s${row.speakers} n${row.listeners}: ${row.forwardedPerSecond} pkt/s, cpu ${row.workerCpu.join('/')}%, ${row.usPerPacket} µs/pkt, loss ${row.lossMeanPercent}% (max ${row.lossMaxPercent}%, sampled delivered ${row.sampledDeliveredPercent}%), delay p99 ${row.delayP99} ms, generators ${row.generatorCpu}%`);
    // Past saturation the next steps only take time.
    if ((row.lossMeanPercent ?? 100) > 5) break;
  }
  return rows;
}

/** A Salon room (speakers already on stage) as a plain-listener target. */
export function salonTarget(salon: TestSalon, roomId: string, speakers: number): PlainTarget {
  const media = salon.deps.media.get(roomId);
  const live = salon.deps.live.get(roomId)!;
  return {
    label: 'salon',
    speakers,
    workers: () => salon.pool.liveWorkers(),
    messagesOut: () => live.broadcaster.messagesOut,
    listenersPerWorker: () => salon.pool.liveWorkers().map((w) => media.routerLoad().filter((r) => r.workerPid === w.pid).reduce((n, r) => n + r.listeners, 0)),
    addListener: async (port, srtp) => void (await media.openRtpOutput({ ip: '127.0.0.1', port, srtp })),
  };
}

/** The baseline, placing each step's listeners on workers as Salon did at the same step. */
export function bareTarget(cluster: BareCluster, speakers: number, salonSteps: PlainStep[]): PlainTarget {
  const placed = cluster.workers.map(() => 0);
  return {
    label: 'bare',
    speakers,
    workers: () => cluster.workers,
    messagesOut: () => 0,
    listenersPerWorker: () => [...placed],
    async addListener(port, srtp, stepIndex) {
      const wanted = salonSteps[stepIndex]?.listenersPerWorker ?? placed.map(() => Infinity);
      let index = placed.findIndex((n, i) => n < (wanted[i] ?? 0));
      if (index < 0) index = placed.indexOf(Math.min(...placed));
      placed[index]!++;
      await cluster.addListener(index, port, srtp);
    },
  };
}
