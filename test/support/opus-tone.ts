// Real Opus packets for headless speakers: ffmpeg encodes a tone (or silence) as Ogg Opus with
// 20 ms frames, and the pages are split back into packets a werift speaker can send as RTP.
import { join } from 'node:path';

/** 20 ms Opus packets of a `hz` sine (0 = silence), `seconds` long. */
export async function opusPackets(dir: string, hz: number, seconds: number): Promise<Buffer[]> {
  const file = join(dir, `opus-${hz}-${seconds}.ogg`);
  const source = hz > 0 ? `sine=frequency=${hz}:sample_rate=48000:duration=${seconds}` : `anullsrc=r=48000:cl=mono:d=${seconds}`;
  const proc = Bun.spawn(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source, '-ac', '1', '-c:a', 'libopus', '-b:a', '48k', '-frame_duration', '20', '-vbr', 'off', '-application', 'audio', file], { stderr: 'pipe' });
  if ((await proc.exited) !== 0) throw new Error(`ffmpeg could not encode the tone: ${await new Response(proc.stderr).text()}`);
  return oggPackets(Buffer.from(await Bun.file(file).arrayBuffer())).slice(2); // skip OpusHead and OpusTags
}

/** Splits an Ogg stream into its packets (RFC 3533 lacing). */
export function oggPackets(data: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  let at = 0;
  while (at + 27 <= data.length && data.toString('latin1', at, at + 4) === 'OggS') {
    const segments = data[at + 26]!;
    const table = data.subarray(at + 27, at + 27 + segments);
    let body = at + 27 + segments;
    for (const size of table) {
      pending.push(data.subarray(body, body + size));
      body += size;
      if (size < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    at = body;
  }
  return packets;
}

/** Decodes any audio file to mono 48 kHz float samples; timestamp gaps become silence. */
export async function decodeToSamples(file: string, sampleRate = 48000): Promise<Float32Array> {
  const proc = Bun.spawn(['ffmpeg', '-nostdin', '-loglevel', 'error', '-i', file, '-af', 'aresample=async=1:first_pts=0', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', '-'], { stdout: 'pipe', stderr: 'pipe' });
  const bytes = Buffer.from(await new Response(proc.stdout).arrayBuffer());
  if ((await proc.exited) !== 0) throw new Error(`ffmpeg could not decode ${file}: ${await new Response(proc.stderr).text()}`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4));
}

/** Energy of one frequency in a stretch of samples (Goertzel), normalised to ~amplitude. */
export function toneLevel(samples: Float32Array, hz: number, sampleRate = 48000): number {
  const k = (2 * Math.PI * hz) / sampleRate;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(power, 0))) / samples.length;
}

/** The first moment (ms) a `hz` tone is clearly present, scanning 10 ms windows. */
export function toneOnsetMs(samples: Float32Array, hz: number, sampleRate = 48000, threshold = 0.05): number | null {
  const window = sampleRate / 100;
  for (let at = 0; at + window <= samples.length; at += window / 2) {
    if (toneLevel(samples.subarray(at, at + window), hz, sampleRate) > threshold) return (at / sampleRate) * 1000;
  }
  return null;
}

/**
 * Sends 20 ms packets in real time: the RTP clock follows the wall clock even when the event loop
 * is late (a loaded machine), as a real microphone's does, by catching up in bursts.
 * `next()` gives each packet (read at send time) and whom to send it through.
 */
export function sendInRealTime(next: () => { send(payload: Buffer, rtpTimestamp: number): void; packet: Buffer }) {
  const started = performance.now();
  let frames = 0;
  const timer = setInterval(() => {
    while (frames * 20 <= performance.now() - started) {
      const { send, packet } = next();
      send(packet, (++frames * 960) >>> 0);
    }
  }, 10);
  return () => clearInterval(timer);
}
