// The ffmpeg command lines of the post-room mix, kept pure so they can be unit-tested. Loudness
// takes more than one pass (one-pass `loudnorm` resamples to 192 kHz and is several times slower):
//   1. decode every track, place it on the recording clock, mix, trim, and write the mix once
//      (lossless FLAC, beside the tracks) while `ebur128` measures its loudness and sample peak.
//      Decoding the Opus tracks is the costly part, hence the intermediate file;
//   2. if the gain to -16 LUFS pushes peaks into the limiter, which then takes some loudness off:
//      the FLAC through gain, limiter and ebur128 at two trial gains, to aim between them;
//   3. the FLAC through the final gain and the limiter, encoded to Opus and to AAC by two processes
//      side by side (ffmpeg 5.1 encodes serially in one thread; there are two cores).

export const sampleRate = 48_000;
/** EBU R128 podcast level (Apple, Spotify: about -16 LUFS for spoken word). */
export const targetLufs = -16;
/** Sample-peak ceiling of the limiter: below -1 dBTP once inter-sample peaks and codec overshoot are added. */
export const limiterCeilingDb = -3;
/** ebur128 reports -70 LUFS for silence: nothing to bring up. */
const silenceLufs = -69;
/** Most gain applied to a quiet room (more would mostly raise its noise). */
const maxGainDb = 30;
/** The waveform is computed from the final mix decimated to this rate. */
export const peaksSampleRate = 8_000;

/** Gaps longer than this split a track into runs (shorter ones are filled with silence in the graph). */
export const splitGapMs = 10_000;
/** A speaker who mutes often: only their longest gaps split the track. */
export const maxRunsPerTrack = 40;
/** A run's input starts this long before its first packet (inside the gap), and ends as long after. */
const runMarginMs = 500;

/** A stretch of sound in a track, in ms from its first packet. */
export interface TrackRun {
  startMs: number;
  endMs: number;
}

export interface MixTrack {
  /** Absolute path of the track file (live WebM, Opus). */
  file: string;
  /** Where its first packet lies on the recording clock. */
  offsetMs: number;
  /** Its runs of sound (several after a long mute); one run, or none, reads the whole file. */
  runs?: TrackRun[];
  /** The first packet's time in the file, for seeking to a run. */
  firstPtsMs?: number;
}

/** One ffmpeg input: a whole track, or one run of it (a seek and a duration), and where it goes on the clock. */
export interface MixInput {
  file: string;
  delayMs: number;
  seekMs?: number;
  readMs?: number;
}

/**
 * Tracks as ffmpeg inputs. A track with long mutes becomes one input per run, each placed at its
 * own time: a long gap is then never filled by `aresample`, which would hold all of its silence in
 * memory at once. Input seeking in a live WebM (no index) only demuxes up to the point: cheap.
 */
export function mixInputs(tracks: MixTrack[]): MixInput[] {
  return tracks.flatMap((track) => {
    const offset = Math.max(0, Math.round(track.offsetMs));
    const runs = track.runs ?? [];
    if (runs.length <= 1) return [{ file: track.file, delayMs: offset }];
    const first = track.firstPtsMs ?? 0;
    return runs.map((run, i) => {
      const from = i === 0 ? undefined : first + run.startMs - runMarginMs;
      const to = i === runs.length - 1 ? undefined : first + run.endMs + runMarginMs;
      return {
        file: track.file,
        delayMs: offset + Math.round(run.startMs),
        ...(from === undefined ? {} : { seekMs: Math.round(from) }),
        ...(to === undefined ? {} : { readMs: Math.round(to - (from ?? first)) }),
      };
    });
  });
}

/** The part of the recording clock the replay keeps. */
export interface MixSpan {
  startMs: number;
  endMs: number;
}

export interface MixPlan {
  tracks: MixTrack[];
  /** The whole recording (tracks may end before it: the end is silence, not cut). */
  durationMs: number;
  span: MixSpan;
}

/** The host's trim, within the recording; a trim that leaves nothing is ignored rather than producing an empty replay. */
export function resolveSpan(durationMs: number, trimStartMs: number, trimEndMs: number | null): MixSpan & { trimIgnored: boolean } {
  const clamp = (ms: number) => Math.min(Math.max(0, Math.round(ms)), durationMs);
  const startMs = clamp(trimStartMs);
  const endMs = trimEndMs === null ? durationMs : clamp(trimEndMs);
  if (endMs > startMs) return { startMs, endMs, trimIgnored: false };
  return { startMs: 0, endMs: durationMs, trimIgnored: trimStartMs !== 0 || trimEndMs !== null };
}

/**
 * The mix stored as s16 FLAC between the passes is scaled down first, so that speakers talking
 * over each other cannot clip it (the sum of N full-scale voices exceeds full scale); pass 2's
 * gain is measured on the scaled mix, so it undoes this. Past 4 voices real peaks do not add up.
 */
export function headroomFor(trackCount: number): number {
  return 1 / Math.min(Math.max(trackCount, 2), 4);
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Pass 1's filter graph: its output pad is [mix]. */
export function mixGraph(plan: MixPlan): string {
  const inputs = mixInputs(plan.tracks);
  const chains = inputs.map((input, i) =>
    [
      `[${i}:a]asetpts=PTS-STARTPTS`,
      // A muted stretch is a gap in the track's timestamps (no packets were sent): fill it with
      // silence rather than letting the samples after it slide earlier. 15 ms: a lost packet (20 ms)
      // is filled too, so speakers never drift apart. (Long gaps were split off by mixInputs.)
      'aresample=async=1:min_hard_comp=0.015:first_pts=0',
      `aformat=sample_fmts=fltp:sample_rates=${sampleRate}:channel_layouts=mono`,
      `adelay=${input.delayMs}:all=1[t${i}]`,
    ].join(','),
  );
  const labels = inputs.map((_, i) => `[t${i}]`).join('');
  const mix = [
    // normalize=0: a voice keeps its level whether or not others are on (amix divides by N otherwise).
    `${labels}amix=inputs=${inputs.length}:normalize=0:dropout_transition=0`,
    // The replay lasts as long as the recording, even if the last words came before its end.
    `apad=whole_dur=${seconds(plan.durationMs)}`,
    `atrim=start_sample=${msToSamples(plan.span.startMs)}:end_sample=${msToSamples(plan.span.endMs)}`,
    'asetpts=PTS-STARTPTS',
    `volume=${headroomFor(plan.tracks.length).toFixed(6)}`,
    // Measures while passing through (loudness, and the sample peak: will the limiter act?);
    // the per-frame log stays at verbose level.
    'ebur128=peak=sample:framelog=verbose[mix]',
  ].join(',');
  return [...chains, mix].join(';');
}

const msToSamples = (ms: number) => Math.round((ms * sampleRate) / 1000);

/** Pass 1: mix, trim and measure, writing the scaled mix to `mixFile` (FLAC). Loudness is in stderr. */
export function mixArgs(plan: MixPlan, mixFile: string): string[] {
  if (!plan.tracks.length) throw new Error('nothing to mix: no track');
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
    ...mixInputs(plan.tracks).flatMap((input) => [
      ...(input.seekMs === undefined ? [] : ['-ss', seconds(input.seekMs)]),
      ...(input.readMs === undefined ? [] : ['-t', seconds(input.readMs)]),
      '-i', input.file,
    ]),
    '-filter_complex', mixGraph(plan),
    '-map', '[mix]', '-c:a', 'flac', '-compression_level', '0', '-sample_fmt', 's16', '-f', 'flac', '-y', mixFile,
  ];
}

export interface LoudnessSummary {
  /** Integrated loudness, LUFS (-70 for silence); null without a summary. */
  integrated: number | null;
  /** dBFS, when measured (`peak=sample`). */
  samplePeak: number | null;
}

/** ebur128's summary: the last one (ffmpeg may configure the graph twice, the first summary is empty). */
export function parseLoudness(stderr: string): LoudnessSummary {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const value = (pattern: RegExp) => {
    const match = pattern.exec(summary);
    if (!match) return null;
    const n = Number(match[1]);
    return Number.isFinite(n) ? n : -70; // -inf: silence
  };
  return {
    integrated: summary.startsWith('Summary:') ? value(/Integrated loudness:\s*I:\s*(-?[\d.]+|-inf|nan)\s*LUFS/) : null,
    samplePeak: summary.startsWith('Summary:') ? value(/Sample peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS/) : null,
  };
}

/** The integrated loudness alone (tests and benchmarks measure their outputs with it). */
export function parseIntegratedLoudness(stderr: string): number | null {
  return parseLoudness(stderr).integrated;
}

/** Static gain (dB) that brings the measured mix to the target. */
export function gainFor(integratedLufs: number): number {
  if (integratedLufs <= silenceLufs) return 0;
  return Math.min(maxGainDb, targetLufs - integratedLufs);
}

/** Whether the gain pushes peaks into the limiter, which then takes some loudness off. */
export function limiterActs(samplePeakDb: number | null, gainDb: number): boolean {
  return samplePeakDb === null || samplePeakDb + gainDb > limiterCeilingDb;
}

/** The second trial gain of the limiter check, above the first. */
export const trialStepDb = 2;

/**
 * The finished signal (gain and limiter) through ebur128, without encoding: the FLAC decodes fast.
 * How much loudness the limiter takes depends on the gain, so two trials run (one step apart).
 */
export function limiterCheckArgs(mixFile: string, gainDb: number): string[] {
  return ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info', '-i', mixFile, '-af', `${finishFilter(gainDb)},ebur128=framelog=verbose`, '-f', 'null', '-'];
}

/**
 * The gain that lands on the target through the limiter, interpolated between the two trials
 * (`first` measured at `gainDb`, `second` one step above). Kept within 6 dB of the plain gain:
 * past that the limiter would only crush the speech.
 */
export function correctedGain(gainDb: number, first: number | null, second: number | null): number {
  if (first === null || first <= silenceLufs) return gainDb;
  const slope = second === null ? 0 : (second - first) / trialStepDb; // LU per dB of gain, 1 without limiting
  const correction = slope > 0.2 ? (targetLufs - first) / slope : targetLufs - first;
  return Math.min(maxGainDb, gainDb + Math.min(6, Math.max(-1, correction)));
}

/** Gain, then a look-ahead limiter for the peaks the gain pushes up (auto level off: it would undo the gain). */
export function finishFilter(gainDb: number): string {
  const ceiling = 10 ** (limiterCeilingDb / 20);
  return `volume=${gainDb.toFixed(2)}dB,alimiter=limit=${ceiling.toFixed(4)}:level=0:attack=5:release=50:latency=1`;
}

const metadata = (title: string | undefined) => (title ? ['-metadata', `title=${title}`] : []);

/**
 * Pass 2, web player: Ogg Opus, mono. Also writes the same finished signal, decimated, as raw
 * s16le PCM on stdout for the waveform peaks (no extra decode). compression_level 5: 3-4x
 * faster than the default 10 for a difference nobody hears in speech at 48 kb/s.
 */
export function opusArgs(mixFile: string, gainDb: number, out: string, title?: string): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-i', mixFile,
    '-filter_complex', `[0:a]${finishFilter(gainDb)},asplit=2[out][wave];[wave]aresample=${peaksSampleRate}[peaks]`,
    '-map', '[out]', '-c:a', 'libopus', '-b:a', '48k', '-compression_level', '5', '-ac', '1', ...metadata(title), '-f', 'opus', '-y', out,
    '-map', '[peaks]', '-c:a', 'pcm_s16le', '-ac', '1', '-f', 's16le', 'pipe:1',
  ];
}

/**
 * Pass 2, podcast apps (Apple's do not play Ogg Opus): AAC-LC in MP4, mono, moov atom first so
 * players start before the download ends. The "fast" coder: about 2x faster than "twoloop".
 */
export function m4aArgs(mixFile: string, gainDb: number, out: string, title?: string): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-i', mixFile,
    '-filter_complex', `[0:a]${finishFilter(gainDb)}[out]`,
    '-map', '[out]', '-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '96k', '-ac', '1', ...metadata(title), '-movflags', '+faststart', '-f', 'mp4', '-y', out,
  ];
}

/** Reads every packet time of a track (a live WebM has no duration field). */
export function packetTimesArgs(file: string): string[] {
  return ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file];
}
