// The benchmark harness (`bun run bench`): drives a real Salon, started here with a temp data dir,
// through its real signalling, and the bare mediasoup baseline with the same worker binary.
//   bun run bench [--quick] [--only plain,scaling,werift,storm,signalling,recording | hls] [--speakers 1,3,10] [--window 10] [--out bench-results]
// Writes <out>/bench-<time>.json and .md. See README "Benchmarks" for what the numbers mean.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSalon, type TestSalon } from '../../test/support/salon';
import { BareCluster } from './bare-cluster';
import { startChild, type Child } from './child';
import { bareTarget, rampPlain, salonTarget, type PlainStep } from './plain-ramp';
import { markdownReport } from './report';
import { runSignallingBench } from './signalling';
import { rampWerift, type WeriftStep } from './werift-ramp';
import { processCpuMs, rssKb, round } from './metrics';

const argument = (name: string) => {
  const i = Bun.argv.indexOf(`--${name}`);
  return i > 0 ? Bun.argv[i + 1] : undefined;
};
const quick = Bun.argv.includes('--quick');
const only = argument('only')?.split(',');
const wanted = (scenario: string) => !only || only.includes(scenario);
const windowSeconds = Number(argument('window') ?? (quick ? 2 : 10));
const outDir = argument('out') ?? 'bench-results';

if (!process.env.MEDIASOUP_WORKER_BIN) {
  console.error('Set MEDIASOUP_WORKER_BIN, or run `bun run bench` / `npm run bench`, which set it.');
  process.exit(1);
}

// The HLS benchmark has its own arguments and report (scripts/bench/hls-bench.ts); only when asked for.
if (only?.includes('hls')) await import('./hls-bench');

/** Listener steps per number of active speakers: up to past the targets (2,500 / 900). */
const allPlainSteps: Record<number, number[]> = quick
  ? { 1: [40] }
  : { 1: [500, 1000, 1500, 2000, 2500, 3000, 3500], 3: [300, 600, 900, 1200, 1500], 10: [100, 200, 300, 400] };
const speakerCounts = argument('speakers')?.split(',').map(Number);
const plainSteps = Object.fromEntries(Object.entries(allPlainSteps).filter(([s]) => !speakerCounts || speakerCounts.includes(Number(s))));

export interface BenchResults {
  startedAt: string;
  machine: { cores: number; bun: string; quick: boolean; windowSeconds: number };
  plain: PlainStep[];
  scaling: PlainStep[];
  werift: WeriftStep[];
  storm: WeriftStep[];
  signalling: Awaited<ReturnType<typeof runSignallingBench>> | null;
  recording: RecordingStep[];
}

/** A plain-listener step in a room recorded or not, with what its recorders (ffmpeg) cost. */
export interface RecordingStep extends PlainStep {
  recorded: boolean;
  recorders: number;
  /** CPU of all recorder processes together, % of one core, over the whole step. */
  recorderCpu: number;
  recorderRssMb: number;
}

const results: BenchResults = {
  startedAt: new Date().toISOString(),
  machine: { cores: navigator.hardwareConcurrency, bun: Bun.version, quick, windowSeconds },
  plain: [],
  scaling: [],
  werift: [],
  storm: [],
  signalling: null,
  recording: [],
};

/** A fresh Salon with S speakers on stage in one room, sending. */
async function salonWithSpeakers(workers: number, speakers: number, routerListenerLimit?: number, recorded = false) {
  const salon = await startTestSalon({
    workers: String(workers),
    // Each cheap (PlainTransport) listener takes a port from this range.
    rtcMinPort: '10000',
    rtcMaxPort: '59999',
    ...(routerListenerLimit ? { routerListenerLimit: String(routerListenerLimit) } : {}),
  });
  const speakerChild = await startChild('speakers.ts');
  const { roomId } = await speakerChild.call('open', { baseUrl: salon.url, count: speakers, recorded });
  await speakerChild.call('start');
  return {
    salon,
    roomId,
    speakerPid: speakerChild.pid,
    async close() {
      await speakerChild.call('close').catch(() => {}); // tear-down: the child is stopped next anyway
      speakerChild.stop();
      await salon.dispose();
    },
  };
}

async function plainScenario(sink: Child, workers: number, speakers: number, steps: number[], into: PlainStep[], withBaseline: boolean) {
  console.log(`plain listeners: ${workers} worker(s), ${speakers} speaker(s)`);
  const run = await salonWithSpeakers(workers, speakers);
  let salonRows: PlainStep[];
  try {
    salonRows = await rampPlain(salonTarget(run.salon as TestSalon, run.roomId, speakers), sink, [sink.pid, run.speakerPid], steps, windowSeconds);
  } finally {
    await run.close();
  }
  into.push(...salonRows);
  if (!withBaseline) return;
  const cluster = await BareCluster.start(workers, speakers);
  try {
    cluster.startSending();
    into.push(...(await rampPlain(bareTarget(cluster, speakers, salonRows), sink, [sink.pid], steps.slice(0, salonRows.length), windowSeconds)));
  } finally {
    cluster.close();
  }
}

/** The same 3-speaker room, unrecorded then recorded, with the same listeners: recording's cost side by side. */
async function recordingScenario(steps: number[]) {
  for (const recorded of [false, true]) {
    console.log(`plain listeners, 3 speakers, ${recorded ? 'recorded' : 'not recorded'}`);
    const run = await salonWithSpeakers(2, 3, undefined, recorded);
    try {
      const recorder = run.salon.deps.recorders.get(run.roomId);
      await Bun.sleep(1000); // the recorders start on the first packets
      const pids = recorder?.recorderPids() ?? [];
      if (recorded && pids.length !== 3) throw new Error(`expected 3 recorder processes, found ${pids.length}`);
      const cpuBefore = pids.reduce((ms, pid) => ms + processCpuMs(pid), 0);
      const started = performance.now();
      const rows = await rampPlain(salonTarget(run.salon as TestSalon, run.roomId, 3), sink, [sink.pid, run.speakerPid], steps, windowSeconds);
      const recorderCpu = round(((pids.reduce((ms, pid) => ms + processCpuMs(pid), 0) - cpuBefore) / (performance.now() - started)) * 100);
      const recorderRssMb = round(pids.reduce((kb, pid) => kb + rssKb(pid), 0) / 1024);
      results.recording.push(...rows.map((row) => ({ ...row, recorded, recorders: pids.length, recorderCpu, recorderRssMb })));
      console.log(`  recorders: ${pids.length}, CPU ${recorderCpu}% of a core in all, RSS ${recorderRssMb} MB in all`);
    } finally {
      await run.close();
    }
  }
}

async function weriftScenario(steps: number[], perSecond: number, into: WeriftStep[]) {
  console.log(`werift listeners: ${steps.at(-1)} at ${perSecond}/s`);
  const run = await salonWithSpeakers(2, 1);
  const crowd = await startChild('werift-crowd.ts');
  try {
    into.push(...(await rampWerift(run.salon, run.roomId, 1, crowd, steps, perSecond, windowSeconds, [crowd.pid, run.speakerPid])));
  } finally {
    await crowd.call('closeAll').catch(() => {}); // tear-down: the child is stopped next anyway
    crowd.stop();
    await run.close();
  }
}

const sink = await startChild('udp-sink.ts');
try {
  if (wanted('plain')) for (const [speakers, steps] of Object.entries(plainSteps)) await plainScenario(sink, 2, Number(speakers), steps, results.plain, true);
  if (wanted('scaling') && !quick) await plainScenario(sink, 1, 1, [250, 500, 750, 1000, 1250, 1500, 1750, 2000], results.scaling, false);
  if (wanted('werift')) await weriftScenario(quick ? [5] : [100, 200, 300], quick ? 10 : 20, results.werift);
  if (wanted('storm')) await weriftScenario(quick ? [20] : [1000], quick ? 10 : 50, results.storm);
  if (wanted('recording')) await recordingScenario(quick ? [40] : [1000]);
  if (wanted('signalling')) {
    console.log('signalling');
    results.signalling = await runSignallingBench({ sockets: quick ? 200 : 5000, reactions: quick ? 100 : 1000, log: (line) => console.log(`  ${line}`) });
  }
} finally {
  sink.stop();
}

mkdirSync(outDir, { recursive: true });
const stem = join(outDir, `bench-${results.startedAt.replace(/[:.]/g, '-')}`);
writeFileSync(`${stem}.json`, JSON.stringify(results, null, 2));
writeFileSync(`${stem}.md`, markdownReport(results));
console.log(markdownReport(results));
console.log(`written: ${stem}.json, ${stem}.md`);
process.exit(0);
