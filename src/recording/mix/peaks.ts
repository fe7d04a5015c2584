// Waveform peaks for the replay player, computed while the final mix streams by (s16le mono PCM
// on ffmpeg's stdout): the largest absolute sample per bucket, 0..1. About one value per 100 ms,
// at most 2000 values (a long replay gets wider buckets), so peaks.json stays a few KB.
export interface Peaks {
  durationMs: number;
  peaks: number[];
}

export const minBucketMs = 100;
export const maxPeaks = 2000;

export class PeakMeter {
  private readonly values: Float32Array;
  private readonly samplesPerBucket: number;
  private sample = 0;
  /** An odd byte left over from the previous chunk (a sample split across two reads). */
  private carry: number | null = null;

  constructor(
    private readonly durationMs: number,
    private readonly sampleRate: number,
  ) {
    const bucketMs = Math.max(minBucketMs, Math.ceil(durationMs / maxPeaks));
    this.samplesPerBucket = Math.max(1, Math.round((bucketMs * sampleRate) / 1000));
    this.values = new Float32Array(Math.max(1, Math.ceil((durationMs * sampleRate) / 1000 / this.samplesPerBucket)));
  }

  push(chunk: Uint8Array) {
    let offset = 0;
    if (this.carry !== null && chunk.length) {
      this.take(((chunk[0]! << 8) | this.carry) << 16 >> 16);
      this.carry = null;
      offset = 1;
    }
    const whole = (chunk.length - offset) >> 1;
    const view = new DataView(chunk.buffer, chunk.byteOffset + offset, whole * 2);
    for (let i = 0; i < whole; i++) this.take(view.getInt16(i * 2, true));
    if ((chunk.length - offset) & 1) this.carry = chunk[chunk.length - 1]!;
  }

  private take(value: number) {
    // Samples past the expected end (encoder padding) count in the last bucket.
    const bucket = Math.min(Math.floor(this.sample++ / this.samplesPerBucket), this.values.length - 1);
    const level = Math.abs(value) / 32768;
    if (level > this.values[bucket]!) this.values[bucket] = level;
  }

  result(): Peaks {
    return { durationMs: this.durationMs, peaks: Array.from(this.values, (v) => Math.round(v * 1000) / 1000) };
  }
}
