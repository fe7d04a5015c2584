// Records one live room: each consenting stage member's microphone becomes a track (a segment on
// the recording clock, written by its own ffmpeg). Listeners are never tapped. Tracks come and go
// with producers: a speaker joining late, a reconnection or a media worker replaced starts a new
// segment; a recorder process that dies is restarted (a short gap). When the room ends the
// recording is handed to the job queue for finalising and mixing.
import { join, relative } from 'node:path';
import { stat } from 'node:fs/promises';
import type { types } from 'mediasoup';
import type { Db } from '../db/connection';
import type { Recording } from '../db/schema';
import type { Logger } from '../log';
import type { MediaRoom } from '../media/media-room';
import type { ProducerTap } from '../media/producer-tap';
import type { LiveRoom } from '../rooms/live/live-room';
import type { RoomEvent } from '../rooms/live/room.model';
import { RecordingClock } from './recording-clock';
import { endTrack, insertSpeech, insertTrack, nowIso, setRecordingStatus } from './recordings.repository';
import { SpeechTimeline } from './speech-timeline';
import { TrackRecorder } from './track-recorder';

export interface RoomRecorderDeps {
  db: Db;
  log: Logger;
  ffmpeg: string;
  /** This recording's folder. */
  dir: string;
  /** The room ended: finalise and mix (a durable job). */
  finished(recording: Recording): Promise<void>;
  /** Bytes the host may still use (Infinity: no quota). */
  bytesLeft(): number;
}

interface ActiveTrack {
  producerId: string;
  rowId: number | null;
  recorder: TrackRecorder | null;
  tap: ProducerTap | null;
  /** Set once stopping starts; resolves when the file is closed and its end written. */
  stopped: Promise<void> | null;
}

const restartLimit = 5; // recorder deaths per minute before the room's recording is given up

export class RoomRecorder {
  private readonly clock = new RecordingClock();
  private readonly tracks = new Map<string, ActiveTrack>();
  private readonly speech: SpeechTimeline;
  private readonly deaths: number[] = [];
  private sequence = 0;
  private quotaTimer: Timer | null = null;
  private done = false;
  readonly settled: Promise<void>;
  private settle!: () => void;

  constructor(
    private readonly live: LiveRoom,
    private readonly media: MediaRoom,
    readonly recording: Recording,
    private readonly deps: RoomRecorderDeps,
  ) {
    this.settled = new Promise((resolve) => (this.settle = resolve));
    this.speech = new SpeechTimeline(recording.id, (rows) => void insertSpeech(deps.db, rows).catch((error) => deps.log.error('could not write the speaker timeline', { recording: recording.id, error })));
    live.eventObservers.add((event) => this.onRoomEvent(event));
    media.producerObservers.add((peerId, producer) => this.onProducer(peerId, producer));
    media.speakingObservers.add((ids) => this.onSpeaking(ids));
    if (live.state.recording) this.resume();
  }

  /** The recorder processes running now (benchmarks measure their cost). */
  recorderPids(): number[] {
    return [...this.tracks.values()].flatMap((track) => (track.recorder && !track.stopped ? [track.recorder.pid] : []));
  }

  /** Milliseconds recorded so far. */
  elapsed(): number {
    return this.clock.at(Date.now());
  }

  private onRoomEvent(event: RoomEvent) {
    if (this.done) return;
    switch (event.type) {
      case 'recordingChanged':
        if (event.recording) this.resume();
        else this.pause();
        break;
      case 'recordingConsented':
        if (this.live.state.recording) this.tapPeer(event.id);
        break;
      case 'roomEnded':
        void this.finish();
        break;
    }
  }

  private resume() {
    this.clock.resume(Date.now());
    for (const [peerId] of this.media.producers()) this.tapPeer(peerId);
    this.quotaTimer ??= setInterval(() => void this.checkQuota(), 10_000);
  }

  private pause() {
    const at = this.clock.at(Date.now());
    this.clock.pause(Date.now());
    this.speech.closeAll(at);
    for (const track of [...this.tracks.values()]) void this.stopTrack(track);
    if (this.quotaTimer) clearInterval(this.quotaTimer);
    this.quotaTimer = null;
  }

  private onProducer(peerId: string, producer: types.Producer) {
    if (!this.done && this.live.state.recording && this.consented(peerId)) void this.record(peerId, producer);
  }

  private tapPeer(peerId: string) {
    const producer = this.media.producers().find(([id]) => id === peerId)?.[1];
    if (producer && this.consented(peerId)) void this.record(peerId, producer);
  }

  /** Only stage members who accepted the notice; never a listener. */
  private consented(peerId: string) {
    const p = this.live.state.get(peerId);
    return !!p && p.role !== 'listener' && p.recordingConsent;
  }

  private async record(peerId: string, producer: types.Producer): Promise<void> {
    if (this.tracks.has(producer.id) || producer.closed) return;
    const track: ActiveTrack = { producerId: producer.id, rowId: null, recorder: null, tap: null, stopped: null };
    this.tracks.set(producer.id, track);
    const participant = this.live.state.get(peerId)!;
    const file = join(this.deps.dir, 'tracks', `${++this.sequence}.webm`);
    try {
      track.tap = await this.media.tapProducer(producer.id);
      track.recorder = await TrackRecorder.start({ file, payloadType: track.tap.payloadType, ffmpeg: this.deps.ffmpeg, log: this.deps.log });
      await track.tap.connect({ ip: '127.0.0.1', port: track.recorder.port, rtcpPort: track.recorder.rtcpPort });
      track.tap.onClose(() => void this.stopTrack(track)); // their producer closed: the segment ends
      void track.recorder.exited.then((exit) => {
        if (!exit.expected) void this.recorderDied(peerId, producer, track);
      });
      if (track.stopped || !this.clock.running) return void this.stopTrack(track);
      const firstPacket = await track.tap.start();
      if (track.stopped || Number.isNaN(firstPacket)) return; // stopped before its first packet: nothing to place
      track.rowId = await insertTrack(this.deps.db, {
        recording_id: this.recording.id,
        participant_id: peerId,
        user_id: participant.userId,
        name: participant.name,
        file: relative(this.deps.dir, file),
        offset_ms: this.clock.at(firstPacket),
      });
    } catch (error) {
      this.deps.log.warn('could not start recording a speaker', { recording: this.recording.id, peer: peerId, error });
      void this.stopTrack(track);
    }
  }

  /**
   * ffmpeg ended without being asked. After 10 s without packets it gives up by design ("timed
   * out"): a muted speaker. Their next segment starts when they unmute. Any other death is
   * restarted at once (a short gap), unless it keeps happening.
   */
  private async recorderDied(peerId: string, producer: types.Producer, track: ActiveTrack) {
    await this.stopTrack(track);
    if (this.done || producer.closed) return;
    if (producer.paused) {
      producer.observer.once('resume', () => this.onProducer(peerId, producer));
      return;
    }
    this.deps.log.warn('a track recorder died; restarting it', { recording: this.recording.id, peer: peerId, ffmpeg: track.recorder?.lastErrors() });
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths.length && this.deaths[0]! < now - 60_000) this.deaths.shift();
    if (this.deaths.length > restartLimit) {
      this.deps.log.error('recording failed: the recorder keeps dying', { recording: this.recording.id });
      this.live.stopRecording('failed');
      return;
    }
    await Bun.sleep(200);
    this.onProducer(peerId, producer);
  }

  private stopTrack(track: ActiveTrack): Promise<void> {
    track.stopped ??= (async () => {
      const endMs = this.clock.at(Date.now());
      await track.recorder?.stop(); // while packets may still flow: ffmpeg notices the signal on the next one
      track.tap?.close();
      this.tracks.delete(track.producerId);
      if (track.rowId !== null) await endTrack(this.deps.db, track.rowId, endMs).catch((error) => this.deps.log.error('could not end a track', { error }));
    })();
    return track.stopped;
  }

  private onSpeaking(ids: string[]) {
    if (this.done || !this.clock.running) return;
    const speakers = ids.flatMap((id) => {
      const p = this.live.state.get(id);
      return p && this.consented(id) ? [{ id, userId: p.userId, name: p.name }] : [];
    });
    this.speech.update(speakers, this.clock.at(Date.now()));
  }

  private async checkQuota() {
    let written = 0;
    for (const track of this.tracks.values()) if (track.recorder) written += (await stat(track.recorder.file).catch(() => ({ size: 0 }))).size;
    if (written > this.deps.bytesLeft()) {
      this.deps.log.warn('recording stopped: the host reached their storage quota', { recording: this.recording.id });
      this.live.stopRecording('quota');
    }
  }

  private async finish() {
    if (this.done) return;
    this.done = true;
    const now = Date.now();
    const duration = this.clock.at(now);
    this.speech.closeAll(duration);
    this.clock.pause(now);
    if (this.quotaTimer) clearInterval(this.quotaTimer);
    await Promise.all([...this.tracks.values()].map((track) => this.stopTrack(track)));
    try {
      await setRecordingStatus(this.deps.db, this.recording.id, 'processing', { duration_ms: duration, stopped_at: nowIso() });
      await this.deps.finished(this.recording);
    } catch (error) {
      this.deps.log.error('could not hand a finished recording over for mixing', { recording: this.recording.id, error });
    } finally {
      this.settle();
    }
  }
}
