// Cuts the encoder's ADTS stream (AAC-LC, 48 kHz, 1024 samples a frame) into HLS packed-audio
// segments at frame boundaries: 47 frames = 1.003 s each. Every segment starts with an ID3 tag
// whose PRIV frame `com.apple.streaming.transportStreamTimestamp` gives the 90 kHz time of its
// first sample (RFC 8216 §3.4): that is how .aac segments carry their timing (hls.js, Safari).

export const framesPerSegment = 47;
const samplesPerFrame = 1024;
const aacRate = 48_000;
export const segmentSeconds = (framesPerSegment * samplesPerFrame) / aacRate;

export interface Segment {
  seq: number;
  data: Uint8Array<ArrayBuffer>;
  duration: number;
  /** Wall-clock time of its first sample (ms), for #EXT-X-PROGRAM-DATE-TIME. */
  startedAt: number;
  /** The first segment after the encoder (re)started: #EXT-X-DISCONTINUITY before it. */
  discontinuity: boolean;
}

export class AdtsSegmenter {
  private pending = new Uint8Array(0);
  private frames: Uint8Array[] = [];
  private frameIndex = 0; // frames emitted so far (continues across encoder restarts: timestamps go on)
  private segmentStartFrame = 0;
  private discontinuity = false;
  private clockZero = NaN; // wall-clock time of frame `clockFrame`'s first sample
  private clockFrame = 0;

  constructor(
    private nextSeq: number,
    private readonly onSegment: (segment: Segment) => void,
  ) {}

  /** A new encoder: its first sample plays at `startedAt` (wall clock); any partial segment is dropped. */
  restart(startedAt: number, discontinuity: boolean) {
    this.pending = new Uint8Array(0);
    this.frames = [];
    this.segmentStartFrame = this.frameIndex;
    this.clockZero = startedAt;
    this.clockFrame = this.frameIndex;
    this.discontinuity = discontinuity;
  }

  push(chunk: Uint8Array) {
    const data = new Uint8Array(this.pending.length + chunk.length);
    data.set(this.pending);
    data.set(chunk, this.pending.length);
    let at = 0;
    while (data.length - at >= 7) {
      if (data[at] !== 0xff || (data[at + 1]! & 0xf6) !== 0xf0) {
        at++; // not a frame header: resynchronise
        continue;
      }
      const length = ((data[at + 3]! & 0x03) << 11) | (data[at + 4]! << 3) | (data[at + 5]! >> 5);
      if (length < 7) {
        at++;
        continue;
      }
      if (data.length - at < length) break;
      this.frames.push(data.slice(at, at + length));
      this.frameIndex++;
      at += length;
      if (this.frames.length === framesPerSegment) this.emit();
    }
    this.pending = data.slice(at);
  }

  private emit() {
    const first = this.segmentStartFrame;
    const tag = id3Timestamp(((first * samplesPerFrame * 90_000) / aacRate) % 2 ** 33);
    const size = tag.length + this.frames.reduce((n, f) => n + f.length, 0);
    const data = new Uint8Array(size);
    data.set(tag);
    let at = tag.length;
    for (const frame of this.frames) {
      data.set(frame, at);
      at += frame.length;
    }
    const startedAt = this.clockZero + ((first - this.clockFrame) * samplesPerFrame * 1000) / aacRate;
    const segment = { seq: this.nextSeq++, data, duration: segmentSeconds, startedAt, discontinuity: this.discontinuity };
    this.frames = [];
    this.segmentStartFrame = this.frameIndex;
    this.discontinuity = false;
    this.onSegment(segment);
  }
}

const owner = new TextEncoder().encode('com.apple.streaming.transportStreamTimestamp\0');

/** An ID3v2.4 tag holding one PRIV frame: the owner string and the 33-bit 90 kHz timestamp in 8 bytes. */
export function id3Timestamp(pts90k: number): Uint8Array {
  const frameSize = owner.length + 8; // 53: below 128, so syncsafe and plain sizes agree
  const tag = new Uint8Array(10 + 10 + frameSize);
  const view = new DataView(tag.buffer);
  tag.set([0x49, 0x44, 0x33, 4, 0, 0]); // "ID3", v2.4.0, no flags
  tag.set(syncsafe(10 + frameSize), 6);
  tag.set([0x50, 0x52, 0x49, 0x56], 10); // "PRIV"
  tag.set(syncsafe(frameSize), 14);
  tag.set(owner, 20);
  view.setUint32(20 + owner.length, Math.floor(pts90k / 2 ** 32));
  view.setUint32(20 + owner.length + 4, pts90k % 2 ** 32);
  return tag;
}

function syncsafe(n: number): number[] {
  return [(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f];
}
