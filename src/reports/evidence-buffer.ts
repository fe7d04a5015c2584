// The rolling audio buffer of one live room, for report evidence: each stage microphone is tapped
// like the recorder taps it (src/media/producer-tap.ts, src/recording/track-recorder.ts) but ffmpeg
// writes short segments (Opus copied, never transcoded) into a ring folder, and segments older than
// the instance's `evidenceSeconds` are deleted as new ones come. Never a full recording: only the
// last minutes exist on disk, and the folder goes when the room ends. Listeners are never tapped.
// A report copies what the ring holds (see evidence-capture.ts) while the ring is held still.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import type { Logger } from '../log';
import type { MediaRoom } from '../media/media-room';
import type { ProducerTap } from '../media/producer-tap';
import type { LiveRoom } from '../rooms/live/live-room';
import { TrackRecorder } from '../recording/track-recorder';

/** Length of one segment (seconds): the ring holds `evidenceSeconds` plus at most one segment more. */
export const segmentSeconds = 10;
const pruneEveryMs = 2_000;
const restartLimit = 5; // segmenter deaths per minute before a speaker's buffer is given up

/** One segment of a speaker's ring, placed on the wall clock. */
export interface RingSegment {
  participantId: string;
  file: string;
  startAt: number;
  /** Null: still being written. */
  endAt: number | null;
}

interface RingTrack {
  participantId: string;
  producerId: string;
  dir: string;
  tap: ProducerTap | null;
  recorder: TrackRecorder | null;
  /** Wall-clock time of its first packet (NaN until then). */
  firstPacketAt: number;
  endedAt: number | null;
  stopped: Promise<void> | null;
}

export interface EvidenceBufferDeps {
  log: Logger;
  ffmpeg: string;
  /** This room's ring folder (<dataDir>/evidence/live/<roomId>). */
  dir: string;
  /** The instance setting, read at each prune: 0 closes the buffer. */
  seconds(): number;
  now(): number;
}

export class EvidenceBuffer {
  private readonly tracks = new Set<RingTrack>();
  private readonly deaths: number[] = [];
  private sequence = 0;
  private holds = 0;
  private closed = false;
  private readonly timer: Timer;
  private readonly unobserve: () => void;

  constructor(
    private readonly live: LiveRoom,
    private readonly media: MediaRoom,
    private readonly deps: EvidenceBufferDeps,
  ) {
    const observer = (peerId: string, producer: types.Producer) => void this.tapSpeaker(peerId, producer);
    media.producerObservers.add(observer);
    this.unobserve = () => media.producerObservers.delete(observer);
    for (const [peerId, producer] of media.producers()) void this.tapSpeaker(peerId, producer);
    this.timer = setInterval(() => void this.prune(), pruneEveryMs);
    this.timer.unref();
  }

  get isClosed() {
    return this.closed;
  }

  /** Speakers being buffered now (tests, benchmarks). */
  tappedPeers(): string[] {
    return [...this.tracks].filter((t) => !t.stopped).map((t) => t.participantId);
  }

  /** Keeps every segment on disk until the returned function is called (a report is copying them). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (!released) this.holds--;
      released = true;
    };
  }

  /** The segments that overlap [from, now], every speaker's, oldest first. */
  async segmentsSince(from: number): Promise<RingSegment[]> {
    const all = (await Promise.all([...this.tracks].map((track) => this.segmentsOf(track)))).flat();
    return all.filter((s) => (s.endAt ?? this.deps.now()) >= from).sort((a, b) => a.startAt - b.startAt);
  }

  /** The room ended (or evidence was turned off): every tap stops and the ring folder is deleted. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.unobserve();
    await Promise.all([...this.tracks].map((track) => this.stopTrack(track)));
    while (this.holds > 0) await Bun.sleep(100); // a report still copying
    await rm(this.deps.dir, { recursive: true, force: true });
  }

  private async tapSpeaker(peerId: string, producer: types.Producer): Promise<void> {
    const role = this.live.state.get(peerId)?.role;
    if (this.closed || producer.closed || !role || role === 'listener') return;
    if ([...this.tracks].some((t) => t.producerId === producer.id && !t.stopped)) return;
    const track: RingTrack = { participantId: peerId, producerId: producer.id, dir: join(this.deps.dir, String(++this.sequence)), tap: null, recorder: null, firstPacketAt: NaN, endedAt: null, stopped: null };
    this.tracks.add(track);
    try {
      track.tap = await this.media.tapProducer(producer.id);
      track.recorder = await TrackRecorder.start({
        file: join(track.dir, 'segments.csv'),
        payloadType: track.tap.payloadType,
        ffmpeg: this.deps.ffmpeg,
        log: this.deps.log,
        output: {
          sdpFile: join(track.dir, 'input.sdp'),
          args: [
            '-f', 'segment', '-segment_time', String(segmentSeconds), '-segment_format', 'webm',
            // flush_packets for the segment's own muxer too: the segment being written is readable at any moment
            '-segment_format_options', 'live=1:cluster_time_limit=500:flush_packets=1', '-flush_packets', '1',
            '-segment_list', join(track.dir, 'segments.csv'), '-segment_list_type', 'csv', '-reset_timestamps', '0',
            '-y', join(track.dir, 'seg-%06d.webm'),
          ],
        },
      });
      await track.tap.connect({ ip: '127.0.0.1', port: track.recorder.port, rtcpPort: track.recorder.rtcpPort });
      track.tap.onClose(() => void this.stopTrack(track)); // their producer closed (left the stage, muted for good, left)
      void track.recorder.exited.then((exit) => {
        if (!exit.expected) void this.segmenterDied(peerId, producer, track);
      });
      if (track.stopped || this.closed) return void this.stopTrack(track);
      track.firstPacketAt = await track.tap.start();
    } catch (error) {
      this.deps.log.warn('could not buffer a speaker for report evidence', { room: this.live.id, peer: peerId, error });
      void this.stopTrack(track);
    }
  }

  /** Like the recorder: ffmpeg gives up 10 s after its last packet (a muted speaker); tapped again when they unmute. */
  private async segmenterDied(peerId: string, producer: types.Producer, track: RingTrack) {
    await this.stopTrack(track);
    if (this.closed || producer.closed) return;
    if (producer.paused) {
      producer.observer.once('resume', () => void this.tapSpeaker(peerId, producer));
      return;
    }
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths.length && this.deaths[0]! < now - 60_000) this.deaths.shift();
    if (this.deaths.length > restartLimit) return this.deps.log.error('report evidence: the segmenter keeps dying; this speaker is not buffered', { room: this.live.id, peer: peerId });
    await Bun.sleep(200);
    void this.tapSpeaker(peerId, producer);
  }

  private stopTrack(track: RingTrack): Promise<void> {
    track.stopped ??= (async () => {
      track.endedAt = this.deps.now();
      await track.recorder?.stop();
      track.tap?.close();
    })();
    return track.stopped;
  }

  /**
   * A track's segments on the wall clock. ffmpeg lists a segment (file, start, end in stream time)
   * when it closes it; the one being written is the newest file, starting where the last listed one
   * ended. Stream time follows RTP time, which runs on through mutes: the first segment's start is
   * the first packet's time.
   */
  private async segmentsOf(track: RingTrack): Promise<RingSegment[]> {
    if (Number.isNaN(track.firstPacketAt)) return [];
    const listed = parseSegmentList(await readFile(join(track.dir, 'segments.csv'), 'utf8').catch(() => ''));
    const files = (await readdir(track.dir).catch(() => [] as string[])).filter((f) => /^seg-\d+\.webm$/.test(f)).sort();
    const base = listed[0]?.start ?? 0;
    const at = (streamSeconds: number) => track.firstPacketAt + (streamSeconds - base) * 1000;
    const byName = new Map(listed.map((s) => [s.file, s]));
    const lastEnd = listed.length ? listed[listed.length - 1]!.end : base;
    return files.map((file) => {
      const entry = byName.get(file);
      return {
        participantId: track.participantId,
        file: join(track.dir, file),
        startAt: at(entry ? entry.start : lastEnd),
        endAt: entry ? at(entry.end) : track.endedAt,
      };
    });
  }

  /** Deletes segments that ended before the buffer's window; forgets stopped speakers whose ring is empty. */
  private async prune(): Promise<void> {
    if (this.closed) return;
    const seconds = this.deps.seconds();
    if (seconds <= 0) return void this.close(); // evidence turned off: nothing kept from now on
    if (this.holds > 0) return;
    const cutoff = this.deps.now() - seconds * 1000 - 1000;
    for (const track of [...this.tracks]) {
      const segments = await this.segmentsOf(track);
      const old = segments.filter((s) => s.endAt !== null && s.endAt < cutoff);
      if (this.holds > 0) return;
      await Promise.all(old.map((s) => rm(s.file, { force: true })));
      if (track.stopped && (track.endedAt ?? 0) < cutoff) {
        this.tracks.delete(track);
        await rm(track.dir, { recursive: true, force: true });
      }
    }
  }
}

export function parseSegmentList(csv: string): { file: string; start: number; end: number }[] {
  return csv.split('\n').flatMap((line) => {
    const [file, start, end] = line.trim().split(',');
    const s = Number(start);
    const e = Number(end);
    return file && Number.isFinite(s) && Number.isFinite(e) ? [{ file, start: s, end: e }] : [];
  });
}
