// One live room's HLS stream: the mix (live-mix.ts) cut into ~1 s segments (segmenter.ts), the last
// `windowSegments` kept in memory, the playlist listing the last `playlistSegments`. Started on the
// first playlist request and stopped after `idleMs` without one (rooms nobody hears over HLS cost
// no CPU); a restart continues the media sequence (a CDN caches segments by number forever, so a
// number is never reused) after an #EXT-X-DISCONTINUITY. When the room ends the playlist gets
// #EXT-X-ENDLIST and is still served for `endedKeepMs`.
import type { Logger } from '../log';
import type { MediaRoom } from '../media/media-room';
import type { LiveRoom } from '../rooms/live/live-room';
import { LiveMix } from './live-mix';
import { AdtsSegmenter, type Segment } from './segmenter';

export const windowSegments = 30;
export const playlistSegments = 6;

export interface LiveStreamDeps {
  log: Logger;
  ffmpeg: string;
  dir: string;
  idleMs: number;
}

export class LiveStream {
  private readonly segments: Segment[] = [];
  private readonly segmenter: AdtsSegmenter;
  private mix: LiveMix | null = null;
  private lastRequestAt = 0;
  private readonly waiters = new Set<() => void>();
  private readonly discontinuitySeq = new WeakMap<Segment, number>(); // discontinuities up to each segment
  private discontinuities = 0;
  private everStarted = false;
  endedAt: number | null = null;
  private playlistCache: { text: string; etag: string } | null = null;

  constructor(
    private readonly live: LiveRoom,
    private readonly media: MediaRoom,
    private readonly deps: LiveStreamDeps,
  ) {
    this.segmenter = new AdtsSegmenter(0, (segment) => this.segmentReady(segment));
  }

  get roomId() {
    return this.live.id;
  }

  get encoderPid(): number | null {
    return this.mix?.encoderPid ?? null;
  }

  get running() {
    return !!this.mix;
  }

  mixedPeers(): string[] {
    return this.mix?.mixedPeers() ?? [];
  }

  pids(): number[] {
    return this.mix?.pids() ?? [];
  }

  /** A playlist request: starts the mix if needed and waits (up to `waitMs`) for a first segment. */
  async touch(now: number, waitMs = 4000): Promise<void> {
    if (this.noteRequest(now)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.waiters.add(done);
    });
  }

  /** A playlist request, without waiting: starts the mix if needed; true when the playlist can be served now (a segment, or the end). */
  noteRequest(now: number): boolean {
    this.lastRequestAt = now;
    if (this.endedAt !== null) return true;
    if (!this.mix) this.startMix();
    return this.segments.length > 0;
  }

  /** Stops the mix when nobody asked for the playlist for a while (checked by LiveStreams). */
  async stopIfIdle(now: number) {
    if (this.mix && now - this.lastRequestAt > this.deps.idleMs) await this.stopMix();
  }

  segment(seq: number): Segment | undefined {
    const first = this.segments[0];
    return first ? this.segments[seq - first.seq] : undefined;
  }

  /** The media playlist and its ETag (the same text for everyone until the next segment or the end). */
  playlist(): { text: string; etag: string } {
    if (this.playlistCache) return this.playlistCache; // made anew after each segment and at the end
    const listed = this.segments.slice(-playlistSegments);
    const key = `${listed[0]?.seq ?? -1}:${listed.length}:${this.endedAt !== null}`;
    const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:1', `#EXT-X-MEDIA-SEQUENCE:${listed[0]?.seq ?? 0}`];
    const discontinuities = listed[0] ? this.discontinuitySeq.get(listed[0]) ?? 0 : 0;
    if (discontinuities) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuities}`);
    for (const segment of listed) {
      if (segment.discontinuity && segment !== listed[0]) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.startedAt).toISOString()}`, `#EXTINF:${segment.duration.toFixed(3)},`, `live/${segment.seq}.aac`);
    }
    if (this.endedAt !== null) lines.push('#EXT-X-ENDLIST');
    const text = lines.join('\n') + '\n';
    this.playlistCache = { text, etag: `"${key.replaceAll(':', '-')}"` };
    return this.playlistCache;
  }

  /** The room ended: no more segments; the playlist ends. */
  async end(now: number) {
    if (this.endedAt !== null) return;
    this.endedAt = now;
    this.playlistCache = null;
    await this.stopMix();
    for (const wake of [...this.waiters]) wake();
  }

  private startMix() {
    const mix = new LiveMix(this.live, this.media, {
      log: this.deps.log,
      ffmpeg: this.deps.ffmpeg,
      dir: this.deps.dir,
      onAdts: (chunk) => this.mix === mix && this.segmenter.push(chunk),
      onEncoderStarted: (startedAt, restarted) => this.segmenter.restart(startedAt, restarted || this.everStarted),
    });
    this.mix = mix;
    mix.start();
    this.everStarted = true;
  }

  private async stopMix() {
    const mix = this.mix;
    this.mix = null;
    await mix?.close();
  }

  private segmentReady(segment: Segment) {
    if (segment.discontinuity) this.discontinuities++;
    this.discontinuitySeq.set(segment, this.discontinuities);
    this.segments.push(segment);
    while (this.segments.length > windowSegments) this.segments.shift();
    this.playlistCache = null;
    for (const wake of [...this.waiters]) wake();
  }
}
