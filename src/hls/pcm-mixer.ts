// The live mix's arithmetic: each speaker's decoded PCM waits in a small jitter buffer; every 20 ms
// the mixer takes one frame (960 samples at 48 kHz, mono) from each and sums them with clipping.
// A buffer that runs dry plays silence until it holds two frames again (so a late packet does
// not turn into a click every frame); one that grows past ~200 ms drops its oldest samples (the
// speaker's decoder ran ahead, e.g. after a stall): the mix stays close to live.

export const sampleRate = 48_000;
export const frameSamples = 960; // 20 ms
const primeSamples = 2 * frameSamples;
const maxSamples = 10 * frameSamples; // 200 ms
const keepAfterDrop = 3 * frameSamples;

export class SpeakerBuffer {
  private chunks: Int16Array[] = [];
  private offset = 0; // samples already taken from chunks[0]
  private size = 0;
  private primed = false;
  private odd: number | null = null; // a byte left over between reads
  dropped = 0;

  /** Raw s16le bytes from the decoder, in any chunking. */
  push(bytes: Uint8Array) {
    let data = bytes;
    if (this.odd !== null) {
      data = new Uint8Array(bytes.length + 1);
      data[0] = this.odd;
      data.set(bytes, 1);
      this.odd = null;
    }
    if (data.length % 2) this.odd = data[data.length - 1]!;
    const count = data.length >> 1;
    if (!count) return;
    const samples = new Int16Array(count);
    new Uint8Array(samples.buffer).set(data.subarray(0, count * 2)); // little-endian host, as s16le
    this.chunks.push(samples);
    this.size += count;
    if (this.size > maxSamples) this.skip(this.size - keepAfterDrop);
  }

  get buffered() {
    return this.size;
  }

  /** Adds one frame of this speaker into `mix` (nothing if the buffer is not primed). */
  addTo(mix: Int32Array) {
    if (!this.primed && this.size >= primeSamples) this.primed = true;
    if (!this.primed) return;
    if (this.size < frameSamples) {
      this.primed = false; // ran dry: what is left plays now, then silence until primed again
    }
    let filled = 0;
    while (filled < frameSamples && this.chunks.length) {
      const chunk = this.chunks[0]!;
      const n = Math.min(frameSamples - filled, chunk.length - this.offset);
      for (let i = 0; i < n; i++) mix[filled + i]! += chunk[this.offset + i]!;
      filled += n;
      this.consume(n);
    }
  }

  private skip(n: number) {
    this.dropped += n;
    while (n > 0 && this.chunks.length) {
      const take = Math.min(n, this.chunks[0]!.length - this.offset);
      this.consume(take);
      n -= take;
    }
  }

  private consume(n: number) {
    this.offset += n;
    this.size -= n;
    if (this.offset >= this.chunks[0]!.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}

/** One 20 ms frame of the mix as s16le bytes (silence when nobody speaks). */
export function mixFrame(speakers: Iterable<SpeakerBuffer>): Uint8Array {
  const sum = new Int32Array(frameSamples);
  for (const speaker of speakers) speaker.addTo(sum);
  const out = new Int16Array(frameSamples);
  for (let i = 0; i < frameSamples; i++) out[i] = Math.max(-32768, Math.min(32767, sum[i]!));
  return new Uint8Array(out.buffer);
}
