// Clips: the last 30 seconds of a recorded room, live (the speaker tracks being written) or in
// replay (before the player's position). Who may clip follows the host's setting (anyone signed
// in / hosts / off); a clip is seen by whoever may see its replay; the host of the room, the one
// who clipped it and admins may delete it; it expires after the instance's retention.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../db/connection';
import type { Recording, User } from '../../db/schema';
import type { LiveRooms } from '../../rooms/live/live-rooms';
import type { Logger } from '../../log';
import type { SettingsService } from '../../settings/settings.service';
import type { SocialService } from '../../social/social.service';
import { AppError, Conflict, Forbidden, Invalid, NotFound } from '../../shared/errors';
import { randomCode } from '../../shared/random';
import type { RateLimiter } from '../../shared/rate-limiter';
import { findRecordingOfRoom, findTracks } from '../recordings.repository';
import type { RoomRecorders } from '../room-recorders';
import { clipFileName, cutLiveClip, cutReplayClip, fileSize, type TrackSpan } from './clip-cut';
import { addClipPlay, clipsOfHost, deleteClipRow, expiredClips, findClipDetails, insertClip, publicClipsOf, publicReplaysOf, replaysOfHost, wasRemovedFrom, type ClipDetails } from './clips.repository';

export const clipLengthMs = 30_000;
const clipsPerMinute = 6;

/** Why the host's clip setting refuses someone: clips off, or only the hosts may clip. */
export type ClipRefusal = 'off' | 'hosts';
const refusalText: Record<ClipRefusal | 'removed', string> = {
  off: 'The host turned clips off for this room',
  hosts: 'Only the hosts can clip this room',
  removed: 'You were removed from this room',
};

/** A refusal that pages can name (`reason`) and translate, besides its English message. */
export class ClipRefused extends Forbidden {
  constructor(readonly reason: ClipRefusal | 'removed') {
    super(refusalText[reason]);
  }
}

export interface ClipsServiceDeps {
  db: Db;
  log: Logger;
  live: LiveRooms;
  recorders: Pick<RoomRecorders, 'dirOf' | 'get'>;
  settings: Pick<SettingsService, 'get'>;
  social: Pick<SocialService, 'canJoinRoomsOf'>;
  limiter: RateLimiter;
  dataDir: string;
  ffmpeg: string;
}

/**
 * Whether a viewer may see a replay (and so its clips): public and unlisted ones anyone the host
 * has not blocked; private ones the host, the speakers and admins.
 */
export async function maySeeReplay(db: Db, social: Pick<SocialService, 'canJoinRoomsOf'>, recording: Pick<Recording, 'id' | 'host_id' | 'visibility'>, viewer: User | null): Promise<boolean> {
  if (viewer?.role === 'admin' || viewer?.id === recording.host_id) return true;
  if (!(await social.canJoinRoomsOf(recording.host_id, viewer?.id ?? null))) return false;
  if (recording.visibility !== 'private') return true;
  if (!viewer) return false;
  const spoke = await db.selectFrom('recording_tracks').select('id').where('recording_id', '=', recording.id).where('user_id', '=', viewer.id).executeTakeFirst();
  return !!spoke;
}

export class ClipsService {
  constructor(private readonly deps: ClipsServiceDeps) {}

  /** Clips the 30 seconds before now (live) or before `atMs` of the replay. */
  async create(viewer: User, roomId: string, input: { atMs?: number; title?: string }): Promise<ClipDetails> {
    const { db } = this.deps;
    const recording = await findRecordingOfRoom(db, roomId);
    if (!recording) {
      const room = await db.selectFrom('rooms').select('id').where('id', '=', roomId).executeTakeFirst();
      if (!room) throw new NotFound('No such room');
      throw new Invalid('This room is not recorded');
    }
    if (!(await maySeeReplay(db, this.deps.social, recording, viewer))) throw new NotFound('No such room');
    const refusal = this.clipRefusal(viewer, recording);
    if (refusal) throw new ClipRefused(refusal);
    if (viewer.role !== 'admin' && (await wasRemovedFrom(db, roomId, viewer.id))) throw new ClipRefused('removed');
    if (!this.deps.limiter.hit(`clip:${viewer.id}`, clipsPerMinute, 60_000).allowed) throw new AppError('tooMany', 'Too many clips: wait a minute');

    const id = randomCode(12);
    const file = clipFileName(id);
    const out = join(this.deps.dataDir, file);
    await mkdir(join(this.deps.dataDir, 'clips'), { recursive: true });
    const recorder = this.deps.recorders.get(roomId);
    let startMs: number;
    let durationMs: number;
    if (recorder && recording.status === 'recording' && input.atMs === undefined) {
      ({ startMs, durationMs } = await this.cutLive(recording, recorder.elapsed(), out));
    } else if (recording.status === 'ready') {
      ({ startMs, durationMs } = await this.cutReplay(recording, input.atMs, out));
    } else if (recording.status === 'recording' || recording.status === 'processing') {
      throw new Conflict(recorder ? 'Recording is paused: nothing to clip right now' : 'The replay is still being prepared: try again in a minute');
    } else throw new Invalid('This recording has no audio to clip');

    const retention = this.deps.settings.get().clipRetentionDays;
    const title = (input.title ?? '').trim().slice(0, 100) || recording.title;
    try {
      await insertClip(db, {
        id,
        recording_id: recording.id,
        created_by: viewer.id,
        title,
        start_ms: startMs,
        duration_ms: durationMs,
        file,
        bytes: await fileSize(out),
        expires_at: retention > 0 ? new Date(Date.now() + retention * 86_400_000).toISOString() : null,
      });
    } catch (error) {
      await rm(out, { force: true });
      throw error;
    }
    this.deps.log.info('clip made', { clip: id, recording: recording.id, by: viewer.id });
    return (await findClipDetails(db, id))!;
  }

  /** Whether this person may clip the recording (the host's setting, and not removed from the room): pages show the button by it. */
  async mayClip(viewer: User | null, recording: Pick<Recording, 'clip_policy' | 'host_id' | 'room_id'>): Promise<boolean> {
    if (!viewer || this.clipRefusal(viewer, recording)) return false;
    return viewer.role === 'admin' || !(await wasRemovedFrom(this.deps.db, recording.room_id, viewer.id));
  }

  /** What the host's clip setting says to this person (null: they may clip). */
  clipRefusal(viewer: Pick<User, 'id'>, recording: Pick<Recording, 'clip_policy' | 'host_id' | 'room_id'>): ClipRefusal | null {
    if (recording.clip_policy === 'off') return 'off';
    if (recording.clip_policy === 'hosts' && viewer.id !== recording.host_id) {
      // Co-hosts are known while the room is live; afterwards only the host is.
      const live = this.deps.live.get(recording.room_id);
      if (live?.state.get(`u:${viewer.id}`)?.role !== 'cohost') return 'hosts';
    }
    return null;
  }

  private async cutLive(recording: Recording, elapsed: number, out: string) {
    if (elapsed < 1000) throw new Conflict('Nothing recorded yet: try again in a few seconds');
    const to = elapsed;
    const from = Math.max(0, to - clipLengthMs);
    const dir = this.deps.recorders.dirOf(recording.id);
    const spans: TrackSpan[] = [];
    for (const track of await findTracks(this.deps.db, recording.id)) {
      if (track.offset_ms >= to || (track.end_ms !== null && track.end_ms <= from)) continue;
      const path = join(dir, track.file);
      if ((await fileSize(path)) < 512) continue; // headers only so far: nothing to read yet
      spans.push({ path, offsetMs: track.offset_ms });
    }
    if (!spans.length) throw new Invalid('Nobody spoke on stage in the last 30 seconds');
    await this.cut(() => cutLiveClip(this.deps.ffmpeg, spans, from, to, out));
    return { startMs: from, durationMs: to - from };
  }

  private async cutReplay(recording: Recording, atMs: number | undefined, out: string) {
    const length = (recording.trim_end_ms ?? recording.duration_ms) - recording.trim_start_ms;
    if (atMs !== undefined && (atMs < 0 || atMs > length + 1000)) throw new Invalid(`The position must lie within the replay (0 to ${Math.floor(length / 1000)} s)`, 't');
    const to = Math.min(atMs ?? length, length);
    const from = Math.max(0, to - clipLengthMs);
    if (to - from < 1000) throw new Invalid('Move the player past the first second to clip', 't');
    const dir = this.deps.recorders.dirOf(recording.id);
    const source = (await fileSize(join(dir, 'replay.m4a'))) > 0 ? join(dir, 'replay.m4a') : join(dir, 'replay.opus');
    if (!(await fileSize(source))) throw new Conflict('The replay file is missing');
    await this.cut(() => cutReplayClip(this.deps.ffmpeg, source, from, to, out));
    return { startMs: from, durationMs: to - from };
  }

  private async cut(run: () => Promise<void>) {
    try {
      await run();
    } catch (error) {
      this.deps.log.error('cutting a clip failed', { error });
      throw new AppError('unavailable', 'The clip could not be made: try again');
    }
  }

  /** A clip this viewer may see (not expired, replay visible to them), or "not found". */
  async require(id: string, viewer: User | null): Promise<ClipDetails> {
    const clip = await findClipDetails(this.deps.db, id);
    if (!clip || (clip.expires_at && clip.expires_at <= new Date().toISOString())) throw new NotFound('No such clip (clips expire)');
    const recording = await this.deps.db.selectFrom('recordings').select(['id', 'host_id', 'visibility']).where('id', '=', clip.recording_id).executeTakeFirstOrThrow();
    if (!(await maySeeReplay(this.deps.db, this.deps.social, recording, viewer))) throw new NotFound('No such clip (clips expire)');
    return clip;
  }

  mayDelete(clip: ClipDetails, viewer: User | null): boolean {
    return !!viewer && (viewer.role === 'admin' || viewer.id === clip.host_id || viewer.id === clip.created_by);
  }

  filePath(clip: Pick<ClipDetails, 'file'>): string {
    return join(this.deps.dataDir, clip.file);
  }

  async countPlay(clip: ClipDetails, who: string): Promise<void> {
    if (this.deps.limiter.hit(`clip-play:${clip.id}:${who}`, 1, 10 * 60_000).allowed) await addClipPlay(this.deps.db, clip.id);
  }

  async delete(id: string, viewer: User): Promise<ClipDetails> {
    const clip = await this.require(id, viewer);
    if (!this.mayDelete(clip, viewer)) throw new Forbidden('Only the host of the room and the person who made the clip can delete it');
    await deleteClipRow(this.deps.db, clip.id);
    await rm(this.filePath(clip), { force: true });
    this.deps.log.info('clip deleted', { clip: clip.id, by: viewer.id });
    return clip;
  }

  /** A profile's lists: public replays they hosted or spoke in (minus those they hid), recent clips. */
  async profileListings(userId: number) {
    const [replays, clips] = await Promise.all([publicReplaysOf(this.deps.db, userId), publicClipsOf(this.deps.db, userId, new Date().toISOString())]);
    return { replays, clips };
  }

  /** The studio's lists: every recording of the host, with status and visibility, and the clips of their rooms. */
  async studioListings(hostId: number) {
    const [replays, clips] = await Promise.all([replaysOfHost(this.deps.db, hostId), clipsOfHost(this.deps.db, hostId)]);
    return { replays, clips };
  }

  /** Expired clips and their files go. */
  async purgeExpired(now = new Date()): Promise<number> {
    let purged = 0;
    for (;;) {
      const batch = await expiredClips(this.deps.db, now.toISOString());
      if (!batch.length) return purged;
      for (const clip of batch) {
        await rm(join(this.deps.dataDir, clip.file), { force: true });
        await deleteClipRow(this.deps.db, clip.id);
        purged++;
      }
    }
  }
}
