// Recording for every live room: the instance's rules decide whether a host may record (the
// setting, their storage quota); a room started "recorded" or whose host presses Record gets a
// RoomRecorder, which writes its tracks and hands the finished recording to the job queue.
// At start-up, recordings a crash or restart interrupted are finalised from what reached the disk.
import { join } from 'node:path';
import type { Db } from '../db/connection';
import type { Recording } from '../db/schema';
import type { JobQueue } from '../jobs/job-queue';
import type { Logger } from '../log';
import type { MediaRooms } from '../media/media-rooms';
import type { LiveRoom } from '../rooms/live/live-room';
import type { LiveRooms } from '../rooms/live/live-rooms';
import { RoomError } from '../rooms/live/room.model';
import type { SettingsService } from '../settings/settings.service';
import { randomCode } from '../shared/random';
import { findInterruptedRecordings, findRecordingOfRoom, insertRecording, nowIso, setRecordingStatus, storageUsedBy } from './recordings.repository';
import { RoomRecorder } from './room-recorder';

export const finaliseRecordingKind = 'finaliseRecording';
const orphanedRecordersGoneMs = 15_000;

export interface RoomRecordersDeps {
  db: Db;
  log: Logger;
  live: LiveRooms;
  media: MediaRooms;
  settings: SettingsService;
  jobs: JobQueue;
  dataDir: string;
  ffmpeg: string;
}

export class RoomRecorders {
  private readonly recorders = new Map<string, RoomRecorder>();
  /** Storage each host of a live room had used when it started (the quota check is synchronous). */
  private readonly usedAtStart = new Map<string, number>();

  /** ffmpeg found at start-up: without it rooms cannot be recorded (said once in the log, and to hosts who try). */
  private readonly ffmpegFound: boolean;

  constructor(private readonly deps: RoomRecordersDeps) {
    this.ffmpegFound = !!Bun.which(deps.ffmpeg);
    if (!this.ffmpegFound) deps.log.warn('ffmpeg was not found: rooms cannot be recorded until it is installed (apt install ffmpeg)', { ffmpeg: deps.ffmpeg });
    // Registered after the media plane's observer: the room's MediaRoom exists when this runs.
    deps.live.startObservers.add((room) => this.roomStarted(room));
  }

  /** Where a recording's files live. */
  dirOf(recordingId: string): string {
    return join(this.deps.dataDir, 'recordings', recordingId);
  }

  get(roomId: string): RoomRecorder | undefined {
    return this.recorders.get(roomId);
  }

  /** Recordings left 'recording' by a crash or restart: finalise what reached the disk. */
  async recoverInterrupted(): Promise<number> {
    const live = this.deps.live.all().map((room) => room.id);
    const interrupted = await findInterruptedRecordings(this.deps.db, live);
    for (const recording of interrupted) {
      this.deps.log.warn('finalising a recording interrupted by a restart', { recording: recording.id, room: recording.room_id });
      await setRecordingStatus(this.deps.db, recording.id, 'processing', { stopped_at: nowIso() });
      // Recorders the crash orphaned stop by themselves 10 s after their last packet: mix after that.
      await this.deps.jobs.enqueue(finaliseRecordingKind, { recordingId: recording.id }, orphanedRecordersGoneMs);
    }
    return interrupted.length;
  }

  /** Whether the host may record now; throws the reason. */
  checkMayRecord(room: LiveRoom): void {
    const settings = this.deps.settings.get();
    if (settings.recordingAllowed !== 'yes') throw new RoomError('forbidden', 'Recording is turned off on this server');
    if (!this.ffmpegFound) throw new RoomError('forbidden', 'Recording needs ffmpeg, which is not installed on this server');
    if (this.bytesLeft(room) <= 0) throw new RoomError('limitReached', 'Your storage for replays is full: delete old replays to record again');
  }

  private bytesLeft(room: LiveRoom): number {
    const quotaMb = this.deps.settings.get().hostStorageQuotaMb;
    if (quotaMb === 0) return Infinity;
    return quotaMb * 1024 * 1024 - (this.usedAtStart.get(room.id) ?? 0);
  }

  private async roomStarted(room: LiveRoom): Promise<void> {
    this.usedAtStart.set(room.id, await storageUsedBy(this.deps.db, room.room.host_id));
    room.recordingGate = () => this.checkMayRecord(room);
    room.eventObservers.add((event) => {
      if (event.type === 'recordingChanged' && event.recording && !this.recorders.has(room.id)) void this.open(room);
      if (event.type === 'roomEnded') this.usedAtStart.delete(room.id);
    });
    if (!room.room.record_intent) return;
    try {
      this.checkMayRecord(room);
      room.recordFromStart();
      await this.open(room);
    } catch (error) {
      this.deps.log.info('room starts without recording', { room: room.id, why: (error as Error).message });
    }
  }

  private async open(room: LiveRoom): Promise<void> {
    const media = this.deps.media.find(room.id);
    if (!media) return;
    try {
      const recording = (await findRecordingOfRoom(this.deps.db, room.id)) ?? (await insertRecording(this.deps.db, { id: randomCode(12), room_id: room.id, host_id: room.room.host_id, title: room.room.title }));
      const recorder = new RoomRecorder(room, media, recording, {
        db: this.deps.db,
        log: this.deps.log,
        ffmpeg: this.deps.ffmpeg,
        dir: this.dirOf(recording.id),
        bytesLeft: () => this.bytesLeft(room),
        finished: (done: Recording) => this.deps.jobs.enqueue(finaliseRecordingKind, { recordingId: done.id }).then(() => undefined),
      });
      this.recorders.set(room.id, recorder);
      void recorder.settled.then(() => this.recorders.delete(room.id));
    } catch (error) {
      this.deps.log.error('could not start recording a room', { room: room.id, error });
      room.stopRecording('failed');
    }
  }

  /** Shutdown: every recorder has closed its files and queued its mix. */
  async settled(): Promise<void> {
    await Promise.all([...this.recorders.values()].map((recorder) => recorder.settled));
  }
}
