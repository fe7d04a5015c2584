// Post-room processing speed: the real finaliseRecording job (probe, mix, loudness, Opus + AAC,
// peaks) on a generated 3-speaker recording, against a temporary SQLite database.
//   node_modules/.bin/bun scripts/bench-mix.ts [minutes=60] [--fresh] [--no-verify]
// The speakers are espeak-ng voices taking turns over a faint noise floor (an open microphone is
// never digital silence), Opus in live WebM as the recorder writes them. Speaker 2 joins after a
// minute, speaker 3 after two and leaves a minute early, speaker 1 is muted for 5 minutes (a gap
// in its timestamps). Tracks are cached in the temp folder between runs (--fresh remakes them).
// Prints the job's wall time as a multiple of real time, CPU per step and peak memory.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/connection';
import { migrateToLatest } from '../src/db/migrator';
import type { Logger } from '../src/log';
import { finaliseRecordingJob, replayFiles } from '../src/recording/mix/finalise-recording.job';
import { parseIntegratedLoudness } from '../src/recording/mix/mix-command';

const minutes = Number(Bun.argv.slice(2).find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 60);
const fresh = Bun.argv.includes('--fresh');
const verify = !Bun.argv.includes('--no-verify');
const ffmpeg = Bun.which('ffmpeg') ?? 'ffmpeg';
const ffprobe = Bun.which('ffprobe') ?? 'ffprobe';
const espeak = Bun.which('espeak-ng');
const totalMs = Math.round(minutes * 60_000);

async function run(args: string[]): Promise<string> {
  const proc = Bun.spawn(args, { stdout: 'ignore', stderr: 'pipe' });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${args.slice(0, 3).join(' ')}...: ${stderr.slice(-800)}`);
  return stderr;
}

const texts = [
  'Welcome back to the salon. Tonight we talk about running your own audio rooms, what it costs, and why the replay matters more than the live hour for most listeners.',
  'I think the hard part is not the live audio at all. It is everything after: the mix, the loudness, the feed, and keeping the files small enough to serve from a cheap machine.',
  'Let me add one thing. People listen on phones, in the car, at double speed. If the levels jump between speakers, they leave. That is why the loudness pass is not optional.',
];
const voices = ['en', 'en-us+f3', 'en-gb+m3'];

/** One speaker's track: `ms` of sound taking turn `turn` of 3, a muted `gap` optional. */
async function makeTrack(dir: string, i: number, ms: number, gap?: { atMs: number; ms: number }): Promise<string> {
  const file = join(dir, `speaker${i + 1}.webm`);
  const unit = join(dir, `unit${i + 1}.wav`);
  const cycleS = 60;
  if (espeak) {
    const speech = join(dir, `speech${i + 1}.wav`);
    await run([espeak, '-v', voices[i]!, '-s', '165', '-w', speech, texts[i]!]);
    // Their turn in each minute: speaker i talks from i*20 s; the rest of the minute is the others'.
    await run([ffmpeg, '-v', 'error', '-y', '-i', speech, '-af', `aresample=48000,adelay=${i * 20_000}:all=1,apad=whole_dur=${cycleS},atrim=end=${cycleS}`, '-ac', '1', unit]);
  } else {
    // No espeak-ng: a tone with a speech-like on/off rhythm.
    await run([ffmpeg, '-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${220 + 110 * i}:sample_rate=48000:duration=18`, '-af', `volume='0.5+0.5*sin(t*9)':eval=frame,adelay=${i * 20_000}:all=1,apad=whole_dur=${cycleS},atrim=end=${cycleS}`, '-ac', '1', unit]);
  }
  const sounding = ms - (gap?.ms ?? 0);
  const encoded = gap ? `${file}.nogap.webm` : file;
  await run([ffmpeg, '-v', 'error', '-y', '-stream_loop', '-1', '-i', unit, '-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.002:sample_rate=48000:seed=${i + 1}`,
    '-filter_complex', '[0:a][1:a]amix=inputs=2:normalize=0:duration=first[a]', '-map', '[a]', '-t', (sounding / 1000).toFixed(3),
    '-ac', '1', '-c:a', 'libopus', '-b:a', '32k', '-compression_level', '5', '-f', 'webm', '-live', '1', '-cluster_time_limit', '1000', encoded]);
  if (gap) {
    // Muted: no packets, so every later timestamp jumps by the gap (WebM time base: 1 ms).
    await run([ffmpeg, '-v', 'error', '-y', '-i', encoded, '-c:a', 'copy', '-bsf:a', `setts=ts=if(gte(PTS\\,${gap.atMs})\\,PTS+${gap.ms}\\,PTS)`, '-f', 'webm', '-live', '1', file]);
    await rm(encoded);
  }
  await rm(unit, { force: true });
  return file;
}

const minute = 60_000;
const join2 = Math.min(minute, totalMs / 20);
const join3 = Math.min(2 * minute, totalMs / 10);
const early = Math.min(minute, totalMs / 20);
const gapMs = Math.min(5 * minute, totalMs / 10);
const tracks = [
  { offsetMs: 0, ms: totalMs, gap: { atMs: Math.round(totalMs / 2), ms: Math.round(gapMs) } },
  { offsetMs: Math.round(join2), ms: Math.round(totalMs - join2) },
  { offsetMs: Math.round(join3), ms: Math.round(totalMs - join3 - early) },
];

const cache = join(tmpdir(), `salon-bench-mix-${minutes}m${espeak ? '' : '-tones'}`);
const files = tracks.map((_, i) => join(cache, `speaker${i + 1}.webm`));
if (fresh || !files.every((f) => existsSync(f))) {
  await rm(cache, { recursive: true, force: true });
  await mkdir(cache, { recursive: true });
  const t0 = performance.now();
  console.log(`generating ${tracks.length} tracks of up to ${minutes} min (${espeak ? 'espeak-ng voices' : 'tones'}) in ${cache} ...`);
  // Two at a time: the machine has two cores.
  await Promise.all([makeTrack(cache, 0, tracks[0]!.ms, tracks[0]!.gap), makeTrack(cache, 1, tracks[1]!.ms)]);
  await makeTrack(cache, 2, tracks[2]!.ms);
  console.log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} else {
  console.log(`reusing the tracks in ${cache} (--fresh to remake them)`);
}

const dataDir = join(tmpdir(), `salon-bench-mix-data-${process.pid}`);
const db = openDatabase(dataDir);
try {
  await migrateToLatest(db);
  const host = await db.insertInto('users').values({ handle: 'benchhost', email: 'bench@example.org', password_hash: 'x', display_name: 'Bench', avatar_file: null, language: null, suspended_at: null, invited_by: null, invite_code: null }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('rooms').values({ id: 'benchroom', host_id: host.id, title: 'Bench', status: 'ended' }).execute();
  await db.insertInto('recordings').values({ id: 'benchrec', room_id: 'benchroom', host_id: host.id, title: 'Mix benchmark', status: 'processing', duration_ms: totalMs }).execute();
  const dir = join(dataDir, 'recordings', 'benchrec');
  await mkdir(join(dir, 'tracks'), { recursive: true });
  for (const [i, track] of tracks.entries()) {
    await copyFile(files[i]!, join(dir, 'tracks', `${i + 1}.webm`));
    // Speaker 3's end is left unknown, as after a crash: the job reads it from the file.
    const endMs = i === 2 ? null : track.offsetMs + track.ms;
    await db.insertInto('recording_tracks').values({ recording_id: 'benchrec', participant_id: `p${i}`, user_id: null, name: `Speaker ${i + 1}`, file: `tracks/${i + 1}.webm`, offset_ms: track.offsetMs, end_ms: endMs }).execute();
  }

  const steps: { step: string; wallMs: number; cpuMs: number; maxRssBytes: number }[] = [];
  const infos: string[] = [];
  const capture = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if (message === 'media process done') steps.push(fields as (typeof steps)[number]);
    else if (level !== 'debug') infos.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  };
  const log: Logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };

  const load = loadavg()[0]!.toFixed(2);
  const t0 = performance.now();
  await finaliseRecordingJob({ db, log, dataDir, ffmpeg, ffprobe }).run({ recordingId: 'benchrec' }, undefined as never);
  const wallMs = performance.now() - t0;
  const recording = await db.selectFrom('recordings').selectAll().where('id', '=', 'benchrec').executeTakeFirstOrThrow();

  const trackMs = tracks.reduce((sum, t) => sum + t.ms - (t.gap?.ms ?? 0), 0);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  const bunRss = process.resourceUsage().maxRSS * 1024; // KB on Linux
  console.log(`\nrecording: ${minutes} min, 3 speakers (${(trackMs / 3_600_000).toFixed(2)} h of track audio), status ${recording.status}, duration ${(recording.duration_ms / 1000).toFixed(1)} s`);
  for (const line of infos) console.log(`  log: ${line}`);
  console.log(`\n${'step'.padEnd(28)} ${'wall s'.padStart(8)} ${'cpu s'.padStart(8)} ${'max RSS'.padStart(9)}`);
  for (const s of steps) console.log(`${s.step.padEnd(28)} ${(s.wallMs / 1000).toFixed(1).padStart(8)} ${(s.cpuMs / 1000).toFixed(1).padStart(8)} ${mb(s.maxRssBytes).padStart(9)}`);
  const cpuMs = steps.reduce((sum, s) => sum + s.cpuMs, 0);
  console.log(`\njob wall time: ${(wallMs / 1000).toFixed(1)} s = ${(totalMs / wallMs).toFixed(1)}x real time (target > 60x); ffmpeg CPU ${(cpuMs / 1000).toFixed(1)} s = ${(totalMs / cpuMs).toFixed(1)}x real time per core`);
  console.log(`peak RSS: largest ffmpeg ${mb(Math.max(...steps.map((s) => s.maxRssBytes)))}, this Bun process ${mb(bunRss)}`);
  console.log(`load average (1 min) before: ${load}, after: ${loadavg()[0]!.toFixed(2)} on ${navigator.hardwareConcurrency} cores (other work on the machine slows the wall time)`);
  const sizes = await Promise.all(Object.values(replayFiles).map(async (name) => `${name} ${(Bun.file(join(dir, name)).size / 1024 / 1024).toFixed(1)} MB`));
  console.log(`outputs: ${sizes.join(', ')}; recording bytes ${mb(recording.bytes)}`);

  if (verify) {
    for (const name of [replayFiles.opus, replayFiles.m4a]) {
      const stderr = await run([ffmpeg, '-hide_banner', '-nostats', '-i', join(dir, name), '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-']);
      const peak = /True peak:\s*Peak:\s*(-?[\d.]+)/.exec(stderr.slice(stderr.lastIndexOf('Summary:')))?.[1];
      console.log(`check ${name}: integrated ${parseIntegratedLoudness(stderr)} LUFS (target -16), true peak ${peak} dBTP (target < -1)`);
    }
  }
} finally {
  await db.destroy();
  await rm(dataDir, { recursive: true, force: true });
}
