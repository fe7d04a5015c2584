// End-to-end delay probe: ffmpeg reads the live playlist like a player (starting 3 segments from
// the live edge) and decodes to 8 kHz PCM; a player that starts playing when the first audio
// arrives and stalls when data is late plays sample k at first-arrival + k/rate + stalls so far.
// A 440 Hz onset heard at that play time, minus the time the speaker started the tone, is the delay.
import { toneLevel } from '../../test/support/opus-tone';
import { wallClockMs } from './rtp-payload';

const rate = 8000;
const windowSamples = rate / 50; // 20 ms

export function listen(url: string) {
  const proc = Bun.spawn(['ffmpeg', '-nostdin', '-loglevel', 'error', '-live_start_index', '-3', '-i', url, '-vn', '-ac', '1', '-ar', String(rate), '-f', 'f32le', '-'], { stdout: 'pipe', stderr: 'inherit' });
  const heard: number[] = [];
  /** When the onset's samples reached the player (no playback buffer): the server side of the delay. */
  const arrived: number[] = [];
  let firstArrival = 0;
  let stallMs = 0;
  let samples = 0; // decoded so far
  let on = false;
  let maxLevel = 0;
  let quietWindows = 0;
  let pending = new Float32Array(0);
  let firstAudioAt: Promise<void>;
  let gotAudio!: () => void;
  firstAudioAt = new Promise((resolve) => (gotAudio = resolve));
  const reading = (async () => {
    let carry = Buffer.alloc(0);
    for await (const chunk of proc.stdout) {
      const now = wallClockMs();
      const bytes = Buffer.concat([carry, Buffer.from(chunk)]);
      const whole = bytes.length - (bytes.length % 4);
      carry = bytes.subarray(whole);
      const fresh = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + whole));
      if (!firstArrival && fresh.length) {
        firstArrival = now;
        gotAudio();
      }
      // The data for sample `samples` is here at `now`; had the player reached it already, it stalled.
      const due = firstArrival + (samples / rate) * 1000 + stallMs;
      if (now > due) stallMs += now - due;
      const all = new Float32Array(pending.length + fresh.length);
      all.set(pending);
      all.set(fresh, pending.length);
      let at = 0;
      for (; at + windowSamples <= all.length; at += windowSamples) {
        const level = toneLevel(all.subarray(at, at + windowSamples), 440, rate);
        if (level > maxLevel) maxLevel = level;
        const index = samples - pending.length + at;
        if (!on && level > 0.05) {
          on = true;
          quietWindows = 0;
          heard.push(firstArrival + (index / rate) * 1000 + stallMs);
          arrived.push(now);
        } else if (on && level < 0.02 && ++quietWindows >= 10) on = false;
        else if (level >= 0.02) quietWindows = 0;
      }
      samples += fresh.length;
      pending = all.slice(at);
    }
  })();
  return {
    firstAudio: firstAudioAt,
    heard,
    arrived,
    stallMs: () => stallMs,
    /** Audio decoded so far (s) and the loudest 440 Hz level seen: why nothing was heard, if so. */
    decoded: () => ({ seconds: samples / rate, maxLevel }),
    async stop() {
      proc.kill();
      await reading.catch(() => {});
    },
  };
}

/**
 * Onsets and heard tones matched in order (each heard tone once, never before its onset, within
 * 20 s): delays in ms. Onsets must be further apart than the delay, or one would take the next's.
 */
export function delays(onsets: number[], heard: number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (const sent of onsets) {
    while (next < heard.length && heard[next]! < sent - 50) next++;
    if (next < heard.length && heard[next]! < sent + 20_000) out.push(heard[next++]! - sent);
  }
  return out;
}
