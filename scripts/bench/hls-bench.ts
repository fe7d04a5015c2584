// The HLS benchmark (`bun run bench --only hls`, or `bun scripts/bench/hls-bench.ts` with
// MEDIASOUP_WORKER_BIN set):
//   [--steps 1000,5000,10000,15000,20000] [--window 10] [--crowds 2] [--connections 512] [--webrtc 100]
//   [--scenarios salon,nginx,proxy,delay] [--delay-players 0] [--synthetic] [--quick] [--out bench-results]
// One Salon with a 3-speaker room (real Opus) and its WebRTC listeners (SRTP PlainTransport to the
// UDP sink); virtual HLS players (hls-crowd.ts, in child processes) ramped against
//   salon  Salon's /r/<id>/live.m3u8 directly,
//   nginx  nginx serving the same playlist and segments as static files (copied from Salon every
//          250 ms; a synthetic window when Salon has no HLS yet or with --synthetic),
//   proxy  nginx proxy_cache in front of Salon (origin requests counted in its access log),
// and the end-to-end delay from a speaker's tone onset to the room page's player (hls.js in Chromium)
// and to an ffmpeg player hearing it.
// Writes <out>/hls-<time>.json and .md.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSalon, type TestSalon } from '../../test/support/salon';
import { startChild, type Child } from './child';
import { delays, listen } from './hls-delay';
import { listenInChromium } from './hls-page-delay';
import { mirrorLive, startNginx, syntheticLive, type Nginx } from './hls-origin';
import { processCpuMs, round } from './metrics';
import { rampPlain, salonTarget, type PlainStep } from './plain-ramp';
import { percentile } from './rtp-payload';

const argument = (name: string) => {
  const i = Bun.argv.indexOf(`--${name}`);
  return i > 0 ? Bun.argv[i + 1] : undefined;
};
const quick = Bun.argv.includes('--quick');
const steps = (argument('steps') ?? (quick ? '200,1000' : '1000,5000,10000,15000,20000')).split(',').map(Number);
const windowSeconds = Number(argument('window') ?? (quick ? 3 : 10));
const crowdCount = Number(argument('crowds') ?? 2);
const connectionsPerCrowd = Number(argument('connections') ?? 512);
// The stage's WebRTC audience beside the HLS crowd: a big room keeps its first listeners on WebRTC and
// sends the rest to HLS (the webrtcListenersPerRoom setting); 500 WebRTC listeners alone take ~1 core here.
const webrtcListeners = Number(argument('webrtc') ?? (quick ? 50 : 100));
const scenarios = (argument('scenarios') ?? 'salon,nginx,proxy,delay').split(',');
const forceSynthetic = Bun.argv.includes('--synthetic');
/** HLS players kept on Salon while the delay is measured (the delay under load). */
const delayPlayers = Number(argument('delay-players') ?? 0);
const outDir = argument('out') ?? 'bench-results';

if (!process.env.MEDIASOUP_WORKER_BIN) {
  console.error('Set MEDIASOUP_WORKER_BIN, or run `bun run bench --only hls`, which sets it.');
  process.exit(1);
}

export interface HlsStep {
  origin: 'salon' | 'nginx' | 'proxy';
  players: number;
  requestsPerSecond: number;
  playlistPerSecond: number;
  segmentsPerSecond: number;
  playlistP50: number | null;
  playlistP99: number | null;
  segmentP50: number | null;
  segmentP99: number | null;
  queueP99: number | null;
  megabytesPerSecond: number;
  errors: number;
  statusCounts: Record<string, number>;
  backlog: number;
  /** The origin's own process: Salon's Bun process, or nginx's master and workers; % of one core. */
  serverCpu: number;
  /** Salon's other processes (media workers, encoders), % of one core; behind the proxy, all of the origin (Salon, or the static nginx). */
  salonChildrenCpu: number;
  generatorCpu: number;
  /** The whole machine's CPU in use (% of all cores), other people's processes included. */
  machineBusy: number;
  /** Requests served per CPU-second of the serving process(es). */
  requestsPerCpuSecond: number;
  originPlaylistPerSecond: number | null;
  originRequestsPerSegment: number | null;
}

/** All processes below `pid` (children, grandchildren...). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)) out.push(child, ...descendants(child));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
/** Whole machine: busy and total jiffies (all processes, ours and anyone else's). */
function machineJiffies() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - (f[4] ?? 0), total };
}
const cpuOf = (pids: number[]) => pids.reduce((ms, pid) => ms + (() => { try { return processCpuMs(pid); } catch { return 0; } })(), 0);

interface Origin {
  label: HlsStep['origin'];
  url: string;
  path: string;
  /** CPU ms of the serving process(es), and of Salon's other processes. */
  cpu(): { server: number; children: number };
  originCounts?: () => { playlist: number; segment: number; uris: Set<string> };
}

async function rampHls(origin: Origin, crowds: Child[], generatorPids: number[], budget: number[]): Promise<HlsStep[]> {
  const rows: HlsStep[] = [];
  for (const players of budget) {
    const per = crowds.map((_, i) => Math.floor(players / crowds.length) + (i < players % crowds.length ? 1 : 0));
    await Promise.all(crowds.map((crowd, i) => crowd.call('setPlayers', { url: origin.url, path: origin.path, count: per[i], offset: i * 1_000_000, connections: Math.min(connectionsPerCrowd, Math.max(8, per[i]!)) })));
    await Bun.sleep(3000); // new players fetch their first 3 segments, then settle to the segment rate
    const before = { machine: machineJiffies(), cpu: origin.cpu(), generators: cpuOf(generatorPids), counts: origin.originCounts?.(), at: performance.now() };
    await Promise.all(crowds.map((c) => c.call('begin')));
    await Bun.sleep(windowSeconds * 1000);
    const parts: any[] = await Promise.all(crowds.map((c) => c.call('end')));
    const after = { machine: machineJiffies(), cpu: origin.cpu(), generators: cpuOf(generatorPids), at: performance.now() };
    const seconds = (after.at - before.at) / 1000;
    if (origin.originCounts) await Bun.sleep(1500); // nginx flushes its access log every second
    const countsAfter = origin.originCounts?.();
    const sum = (f: (p: any) => number) => parts.reduce((n, p) => n + f(p), 0);
    const mean50 = (kind: 'playlist' | 'segment' | 'queueWait') => {
      const withData = parts.filter((p) => p[kind].count);
      return withData.length ? round(withData.reduce((n, p) => n + p[kind].p50 * p[kind].count, 0) / withData.reduce((n, p) => n + p[kind].count, 0), 2) : null;
    };
    const max99 = (kind: 'playlist' | 'segment' | 'queueWait') => {
      const values = parts.map((p) => p[kind].p99).filter((v) => v !== null);
      return values.length ? round(Math.max(...values), 2) : null;
    };
    const requests = sum((p) => p.playlist.count + p.segment.count);
    const serverCpuMs = after.cpu.server - before.cpu.server;
    const statusCounts: Record<string, number> = {};
    for (const p of parts) for (const [k, v] of Object.entries(p.statusCounts as Record<string, number>)) statusCounts[k] = (statusCounts[k] ?? 0) + v;
    const originSegments = countsAfter && before.counts ? countsAfter.segment - before.counts.segment : null;
    const row: HlsStep = {
      origin: origin.label,
      players,
      requestsPerSecond: Math.round(requests / seconds),
      playlistPerSecond: Math.round(sum((p) => p.playlist.count) / seconds),
      segmentsPerSecond: Math.round(sum((p) => p.segment.count) / seconds),
      playlistP50: mean50('playlist'),
      playlistP99: max99('playlist'),
      segmentP50: mean50('segment'),
      segmentP99: max99('segment'),
      queueP99: max99('queueWait'),
      megabytesPerSecond: round(sum((p) => p.bytes) / seconds / 1e6, 2),
      errors: sum((p) => p.errors),
      statusCounts,
      backlog: sum((p) => p.backlog),
      serverCpu: round(serverCpuMs / 10 / seconds),
      salonChildrenCpu: round((after.cpu.children - before.cpu.children) / 10 / seconds),
      generatorCpu: round((after.generators - before.generators) / 10 / seconds),
      machineBusy: round(((after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total)) * 100),
      requestsPerCpuSecond: Math.round(requests / Math.max(serverCpuMs / 1000, 0.001)),
      originPlaylistPerSecond: countsAfter && before.counts ? round((countsAfter.playlist - before.counts.playlist) / seconds, 2) : null,
      // Origin segment fetches in the window over the distinct segments fetched from it in the window.
      originRequestsPerSegment: originSegments === null ? null : round(originSegments / Math.max(1, [...countsAfter!.uris].filter((u) => !before.counts!.uris.has(u)).length), 2),
    };
    rows.push(row);
    console.log(`  ${row.origin} ${row.players} players: ${row.requestsPerSecond} req/s, playlist p50/p99 ${row.playlistP50}/${row.playlistP99} ms, segment p50/p99 ${row.segmentP50}/${row.segmentP99} ms (queue p99 ${row.queueP99}), ${row.megabytesPerSecond} MB/s, errors ${row.errors} ${JSON.stringify(row.statusCounts)}, server CPU ${row.serverCpu}% (+${row.salonChildrenCpu}% Salon children), generators ${row.generatorCpu}%, machine ${row.machineBusy}% busy${row.originRequestsPerSegment === null ? '' : `, origin: ${row.originPlaylistPerSecond} playlist/s, ${row.originRequestsPerSegment} per segment`}`);
    if ((row.segmentP99 ?? 1e9) > 2000 || row.errors > requests * 0.05) break; // past saturation
  }
  await Promise.all(crowds.map((c) => c.call('setPlayers', { url: origin.url, path: origin.path, count: 0, connections: 0 })));
  await Promise.all(crowds.map((c) => c.call('stop')));
  return rows;
}

/** Passing: segment p99 under 200 ms and under 0.1% errors. */
const passing = (rows: HlsStep[], origin: HlsStep['origin']) => Math.max(0, ...rows.filter((r) => r.origin === origin && (r.segmentP99 ?? 1e9) < 200 && r.errors <= r.requestsPerSecond * windowSeconds * 0.001).map((r) => r.players));

const startedAt = new Date().toISOString();
const tmp = mkdtempSync(join(tmpdir(), 'salon-hls-bench-'));
const results = {
  startedAt,
  machine: { cores: navigator.hardwareConcurrency, bun: Bun.version, quick, windowSeconds, crowds: crowdCount, connectionsPerCrowd, webrtcListeners },
  salonHls: false,
  source: 'synthetic' as 'salon' | 'synthetic',
  webrtc: [] as PlainStep[],
  hls: [] as HlsStep[],
  delay: null as null | { arrivalP50: number | null; arrivalP95: number | null; against: string; onsets: number; heard: number; p50: number | null; p95: number | null; max: number | null; stallMs: number; delaysMs: number[] },
  /** The room page's own player (hls.js in Chromium), on the same onsets. */
  pageDelay: null as null | { underPlayers: number; pages: number; onsets: number; heard: number; p50: number | null; p95: number | null; max: number | null; stalls: number; stallMs: number; delaysMs: number[] },
};

const salon = await startTestSalon({ workers: '2', rtcMinPort: '10000', rtcMaxPort: '59999' });
const speakers = await startChild('speakers.ts');
const sink = await startChild('udp-sink.ts');
const crowds = await Promise.all(Array.from({ length: crowdCount }, () => startChild('hls-crowd.ts')));
const nginxes: Nginx[] = [];
const stoppers: (() => unknown)[] = [];
try {
  const { roomId } = await speakers.call('open', { baseUrl: salon.url, count: 3 });
  await speakers.call('startOpus');
  const path = `/r/${roomId}/live.m3u8`;
  console.log(`hls bench: room ${roomId}; ${webrtcListeners} WebRTC listeners`);
  if (webrtcListeners) results.webrtc = await rampPlain(salonTarget(salon as TestSalon, roomId, 3), sink, [sink.pid, speakers.pid], [webrtcListeners], 2);
  // Does this Salon serve live HLS yet?
  for (let i = 0; i < 30 && !results.salonHls; i++) {
    const response = await fetch(salon.url + path).catch(() => null);
    if (response?.ok && (await response.text()).includes('#EXTINF')) results.salonHls = true;
    else await Bun.sleep(500);
  }
  console.log(results.salonHls ? 'Salon serves live HLS' : 'Salon has no live HLS (GET /r/<id>/live.m3u8 fails): nginx with a synthetic stream only');
  const generatorPids = [...crowds.map((c) => c.pid)];
  const own = [process.pid];
  const salonChildren = () => descendants(process.pid).filter((pid) => ![...generatorPids, speakers.pid, sink.pid, ...nginxes.flatMap((n) => n.pids())].includes(pid));

  if (results.salonHls && scenarios.includes('salon')) {
    console.log('HLS players → Salon');
    results.hls.push(...(await rampHls({ label: 'salon', url: salon.url, path, cpu: () => ({ server: cpuOf(own), children: cpuOf(salonChildren()) }) }, crowds, generatorPids, steps)));
  }

  // The static copy nginx serves: Salon's window mirrored, or a synthetic one.
  const root = join(tmp, 'www');
  mkdirSync(root, { recursive: true });
  let staticPath = path;
  let synthetic: Awaited<ReturnType<typeof syntheticLive>> | null = null;
  if (results.salonHls && !forceSynthetic) {
    results.source = 'salon';
    const mirror = mirrorLive(salon.url, path, root);
    stoppers.push(mirror.stop);
    await Bun.sleep(2000);
  } else {
    synthetic = await syntheticLive(root, 'synthetic');
    stoppers.push(synthetic.stop);
    staticPath = synthetic.path;
  }
  const staticNginx = await startNginx(join(tmp, 'nginx-static'), { root });
  nginxes.push(staticNginx);
  const staticUrl = `http://127.0.0.1:${staticNginx.port}`;
  if (scenarios.includes('nginx')) {
    console.log(`HLS players → nginx static (${results.source} stream)`);
    results.hls.push(...(await rampHls({ label: 'nginx', url: staticUrl, path: staticPath, cpu: () => ({ server: staticNginx.cpuMs(), children: 0 }) }, crowds, generatorPids, steps)));
  }

  if (scenarios.includes('proxy')) {
    // In front of Salon; without Salon HLS, in front of the static nginx (checks the set-up only).
    const upstream = results.salonHls ? salon.url : staticUrl;
    const proxy = await startNginx(join(tmp, 'nginx-proxy'), { upstream });
    nginxes.push(proxy);
    // Origin fetches: requests the proxy sent upstream (its access log: $upstream_addr set).
    const counts = () => {
      let playlist = 0;
      let segment = 0;
      const uris = new Set<string>();
      for (const line of proxy.accessLog()) {
        const [, , upstreamAddr, uri] = line.split(' ');
        if (!upstreamAddr || upstreamAddr === '-') continue;
        if (uri?.endsWith('.m3u8')) playlist++;
        else if (uri?.endsWith('.aac')) {
          segment++;
          uris.add(uri);
        }
      }
      return { playlist, segment, uris };
    };
    console.log(`HLS players → nginx proxy_cache → ${results.salonHls ? 'Salon' : 'static nginx'}`);
    results.hls.push(...(await rampHls({ label: 'proxy', url: `http://127.0.0.1:${proxy.port}`, path: results.salonHls ? path : staticPath, cpu: () => ({ server: proxy.cpuMs(), children: results.salonHls ? cpuOf(own) + cpuOf(salonChildren()) : staticNginx.cpuMs() }), originCounts: counts }, crowds, generatorPids, steps)));
  }

  if (scenarios.includes('delay')) {
    const onsetCount = quick ? 3 : 10;
    if (results.salonHls) {
      console.log(`end-to-end delay: speaker tone onset → ffmpeg player and the page's player on Salon HLS${delayPlayers ? `, with ${delayPlayers} HLS players on Salon` : ''}`);
      if (delayPlayers) {
        await Promise.all(crowds.map((crowd, i) => crowd.call('setPlayers', { url: salon.url, path, count: Math.round(delayPlayers / crowds.length), offset: i * 1_000_000, connections: connectionsPerCrowd })));
        await Bun.sleep(3000);
      }
      const player = listen(salon.url + path);
      const pagePlayer = await listenInChromium(salon.url, path);
      await Promise.race([player.firstAudio, Bun.sleep(30_000)]);
      await Bun.sleep(4000);
      const onsets: number[] = [];
      for (let i = 0; i < onsetCount; i++) {
        onsets.push(await speakers.call<number>('onset'));
        await Bun.sleep(7000 + Math.random() * 1000); // further apart than any delay seen
      }
      await Bun.sleep(6000);
      if (delayPlayers) await Promise.all(crowds.map((crowd) => crowd.call('stop')));
      await player.stop();
      const pageHeard = await pagePlayer.heard();
      const stalls = await pagePlayer.stalls();
      await pagePlayer.stop();
      const pd = pageHeard.flatMap((heard) => delays(onsets, heard)).sort((x, y) => x - y);
      results.pageDelay = { underPlayers: delayPlayers, pages: pageHeard.length, onsets: onsets.length * pageHeard.length, heard: pd.length, p50: percentile(pd, 50), p95: percentile(pd, 95), max: pd.at(-1) ?? null, stalls: stalls.count, stallMs: round(stalls.ms), delaysMs: pd.map((x) => round(x)) };
      console.log(`  the page's player (hls.js in Chromium, ${pageHeard.length} pages): delay p50 ${results.pageDelay.p50} ms, p95 ${results.pageDelay.p95} ms (${pd.length}/${results.pageDelay.onsets} heard: ${results.pageDelay.delaysMs.join(', ')}), ${stalls.count} stalls, ${round(stalls.ms)} ms`);
      console.log(`  the player decoded ${round(player.decoded().seconds)} s, loudest 440 Hz level ${round(player.decoded().maxLevel, 3)}`);
      const d = delays(onsets, player.heard).sort((a, b) => a - b);
      const a = delays(onsets, player.arrived).sort((x, y) => x - y);
      results.delay = { arrivalP50: percentile(a, 50), arrivalP95: percentile(a, 95), against: 'salon', onsets: onsets.length, heard: d.length, p50: percentile(d, 50), p95: percentile(d, 95), max: d.at(-1) ?? null, stallMs: round(player.stallMs()), delaysMs: d.map((x) => round(x)) };
    } else if (synthetic) {
      console.log('end-to-end delay: synthetic tone segments (known start) → ffmpeg player on nginx (checks the probe)');
      const player = listen(staticUrl + staticPath);
      await Promise.race([player.firstAudio, Bun.sleep(30_000)]);
      const from = synthetic.onsets.length;
      await Bun.sleep(onsetCount * 5000 + 8000);
      await player.stop();
      const onsets = synthetic.onsets.slice(from, from + onsetCount);
      const d = delays(onsets, player.heard).sort((a, b) => a - b);
      const a = delays(onsets, player.arrived).sort((x, y) => x - y);
      results.delay = { arrivalP50: percentile(a, 50), arrivalP95: percentile(a, 95), against: 'synthetic (nginx)', onsets: onsets.length, heard: d.length, p50: percentile(d, 50), p95: percentile(d, 95), max: d.at(-1) ?? null, stallMs: round(player.stallMs()), delaysMs: d.map((x) => round(x)) };
    }
    if (results.delay) console.log(`  delay p50 ${results.delay.p50} ms, p95 ${results.delay.p95} ms (${results.delay.heard}/${results.delay.onsets} onsets heard: ${results.delay.delaysMs.join(', ')}); tone reached the player p50 ${results.delay.arrivalP50} ms, p95 ${results.delay.arrivalP95} ms`);
  }
} finally {
  for (const stop of stoppers) stop();
  for (const crowd of crowds) crowd.stop();
  await speakers.call('close').catch(() => {});
  speakers.stop();
  sink.stop();
  for (const nginx of nginxes) await nginx.stop();
  await salon.dispose();
  rmSync(tmp, { recursive: true, force: true });
}

export function hlsMarkdown(r: typeof results): string {
  const table = (head: string[], rows: (string | number | null)[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((x) => `| ${x.map((c) => c ?? '–').join(' | ')} |`)].join('\n');
  const out = [`# Salon HLS benchmark, ${r.startedAt}`, '', `${r.machine.cores} cores, Bun ${r.machine.bun}, ${r.machine.windowSeconds} s windows, ${r.machine.crowds} generator processes × ${r.machine.connectionsPerCrowd} keep-alive connections${r.machine.quick ? ' (quick run)' : ''}. Salon: 2 media workers, one 3-speaker room (real Opus), ${r.machine.webrtcListeners} WebRTC listeners (SRTP PlainTransport). Salon live HLS: ${r.salonHls ? 'yes' : 'not available (nginx rows use a synthetic stream)'}; static copy: ${r.source}.`, ''];
  if (r.webrtc.length) out.push(`WebRTC listeners alongside: ${r.webrtc.map((w) => `${w.listeners} listeners, loss ${w.lossMeanPercent}%, worker CPU ${w.workerCpu.join('/')}%`).join('; ')} (measured before the HLS ramp; their forwarding delay is not measured here: the speakers send real Opus, not timed payloads).`, '');
  const head = ['origin', 'players', 'req/s', 'playlist/s', 'segments/s', 'playlist p50 ms', 'playlist p99 ms', 'segment p50 ms', 'segment p99 ms', 'client queue p99 ms', 'MB/s', 'errors', 'server CPU %', 'other CPU % (Salon media workers and encoders; proxy rows: the whole origin)', 'generators CPU %', 'machine busy % (all cores, anyone)', 'req per server CPU-s', 'origin playlist/s', 'origin req per segment'];
  out.push('## HLS players', '', table(head, r.hls.map((x) => [x.origin, x.players, x.requestsPerSecond, x.playlistPerSecond, x.segmentsPerSecond, x.playlistP50, x.playlistP99, x.segmentP50, x.segmentP99, x.queueP99, x.megabytesPerSecond, x.errors, x.serverCpu, x.salonChildrenCpu, x.generatorCpu, x.machineBusy, x.requestsPerCpuSecond, x.originPlaylistPerSecond, x.originRequestsPerSegment])), '');
  const salonMax = passing(r.hls, 'salon');
  const nginxMax = passing(r.hls, 'nginx');
  const perCpu = (origin: HlsStep['origin']) => {
    const rows = r.hls.filter((x) => x.origin === origin && x.players >= 5000);
    return rows.length ? rows.reduce((n, x) => n + x.requestsPerCpuSecond, 0) / rows.length : null;
  };
  const salonPerCpu = perCpu('salon');
  const nginxPerCpu = perCpu('nginx');
  out.push(`Most players with segment p99 < 200 ms: Salon ${salonMax || '–'}, nginx static ${nginxMax || '–'}${salonMax && nginxMax ? ` (ratio ${(salonMax / nginxMax).toFixed(2)}; target: Salon ≥ 20,000, ratio ≥ 0.5)` : ''}.`);
  if (salonPerCpu && nginxPerCpu) out.push(`Requests per CPU-second (steps ≥ 5,000 players): Salon ${Math.round(salonPerCpu)}, nginx ${Math.round(nginxPerCpu)}: ratio ${(salonPerCpu / nginxPerCpu).toFixed(2)}.`);
  out.push('');
  if (r.delay) out.push('## End-to-end delay (tone onset → heard by an ffmpeg player starting 3 segments from the live edge)', '', table(['against', 'onsets', 'heard', 'p50 ms', 'p95 ms', 'max ms', 'player stalls ms', 'tone reached the player p50 ms', 'p95 ms'], [[r.delay.against, r.delay.onsets, r.delay.heard, r.delay.p50 === null ? null : round(r.delay.p50), r.delay.p95 === null ? null : round(r.delay.p95), r.delay.max === null ? null : round(r.delay.max), r.delay.stallMs, r.delay.arrivalP50 === null ? null : round(r.delay.arrivalP50), r.delay.arrivalP95 === null ? null : round(r.delay.arrivalP95)]]), '');
  if (r.pageDelay) out.push(`## End-to-end delay as the room page plays it (tone onset → heard from the page's hls.js player in Chromium, ${r.pageDelay.pages} pages joined a third of a segment apart${r.pageDelay.underPlayers ? `, while ${r.pageDelay.underPlayers} HLS players load Salon` : ''})`, '', table(['onsets × pages', 'heard', 'p50 ms', 'p95 ms', 'max ms', 'stalls', 'stalled ms'], [[r.pageDelay.onsets, r.pageDelay.heard, r.pageDelay.p50 === null ? null : round(r.pageDelay.p50), r.pageDelay.p95 === null ? null : round(r.pageDelay.p95), r.pageDelay.max === null ? null : round(r.pageDelay.max), r.pageDelay.stalls, r.pageDelay.stallMs]]), '');
  return out.join('\n');
}

mkdirSync(outDir, { recursive: true });
const stem = join(outDir, `hls-${startedAt.replace(/[:.]/g, '-')}`);
writeFileSync(`${stem}.json`, JSON.stringify(results, null, 2));
writeFileSync(`${stem}.md`, hlsMarkdown(results));
console.log(hlsMarkdown(results));
console.log(`written: ${stem}.json, ${stem}.md`);
process.exit(0);
