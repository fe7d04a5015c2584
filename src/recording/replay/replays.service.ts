// Replays: who may listen (public / unlisted / private to host and speakers; blocked people and
// everyone else get "not found"), what the page shows, and the host's edits, trim and deletion.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../db/connection';
import type { ClipPolicy, Recording, ReplayVisibility, User } from '../../db/schema';
import type { JobQueue } from '../../jobs/job-queue';
import type { Logger } from '../../log';
import type { SocialService } from '../../social/social.service';
import { Forbidden, NotFound } from '../../shared/errors';
import { FieldErrors } from '../../shared/form-errors';
import type { RateLimiter } from '../../shared/rate-limiter';
import { findRecordingOfRoom, findSpeech } from '../recordings.repository';
import { finaliseRecordingKind } from '../room-recorders';
import { addPlay, deleteRecording, isHiddenBy, setHidden, speakerNames, speakerUserIds, updateReplay } from './replays.repository';
import { parseClockTime } from './replay-time';
import { speakerChapters, type Chapter } from './speaker-chapters';

export const replayLimits = { titleMax: 100, descriptionMax: 2000 };
export const visibilities: readonly ReplayVisibility[] = ['public', 'unlisted', 'private'];
export const clipPolicies: readonly ClipPolicy[] = ['anyone', 'hosts', 'off'];
export type ReplayFile = 'replay.opus' | 'replay.m4a' | 'peaks.json';

export interface ReplayAccess {
  recording: Recording;
  /** The host or an admin: may edit, trim and delete. */
  canManage: boolean;
  /** Spoke in it (not the host): may hide it from their profile. */
  isSpeaker: boolean;
}

export interface ReplayEditInput {
  title?: string;
  description?: string;
  visibility?: string;
  downloads?: string;
  clipPolicy?: string;
  trimStart?: string;
  trimEnd?: string;
}

export interface ReplaysServiceDeps {
  db: Db;
  log: Logger;
  social: SocialService;
  jobs: JobQueue;
  limiter: RateLimiter;
  dirOf(recordingId: string): string;
}

export class ReplaysService {
  constructor(private readonly deps: ReplaysServiceDeps) {}

  /** The room's recording if this viewer may see it; null otherwise (no recording, or not theirs to see). */
  async access(roomId: string, viewer: User | null): Promise<ReplayAccess | null> {
    const recording = await findRecordingOfRoom(this.deps.db, roomId);
    if (!recording) return null;
    const admin = viewer?.role === 'admin';
    const isHost = viewer?.id === recording.host_id;
    if (!admin && !(await this.deps.social.canJoinRoomsOf(recording.host_id, viewer?.id ?? null))) return null;
    const speakers = viewer ? await speakerUserIds(this.deps.db, recording.id) : [];
    const isSpeaker = !!viewer && !isHost && speakers.includes(viewer.id);
    if (recording.visibility === 'private' && !admin && !isHost && !isSpeaker) return null;
    return { recording, canManage: admin || isHost, isSpeaker };
  }

  /** Like `access`, but "not found" when the viewer may not see it. */
  async require(roomId: string, viewer: User | null): Promise<ReplayAccess> {
    const access = await this.access(roomId, viewer);
    if (!access) throw new NotFound('No such replay');
    return access;
  }

  async requireManager(roomId: string, viewer: User): Promise<ReplayAccess> {
    const access = await this.require(roomId, viewer);
    if (!access.canManage) throw new Forbidden('Only the host can change this replay');
    return access;
  }

  /** A finished file of a ready replay, or "not found". */
  async file(roomId: string, viewer: User | null, name: ReplayFile): Promise<{ access: ReplayAccess; path: string }> {
    const access = await this.require(roomId, viewer);
    if (access.recording.status !== 'ready') throw new NotFound('This replay is not ready');
    return { access, path: join(this.deps.dirOf(access.recording.id), name) };
  }

  /** What the replay page shows besides the recording row. */
  async details(access: ReplayAccess, viewer: User | null) {
    const { recording } = access;
    const speech = await findSpeech(this.deps.db, recording.id);
    const chapters: Chapter[] = speakerChapters(speech, { startMs: recording.trim_start_ms, endMs: recording.trim_end_ms });
    const speakers = await speakerNames(this.deps.db, recording.id);
    const hidden = access.isSpeaker && viewer ? await isHiddenBy(this.deps.db, recording.id, viewer.id) : false;
    const durationMs = (recording.trim_end_ms ?? recording.duration_ms) - recording.trim_start_ms;
    return { chapters, speakers, hiddenByViewer: hidden, durationMs };
  }

  async edit(viewer: User, roomId: string, input: ReplayEditInput): Promise<Recording> {
    const { recording } = await this.requireManager(roomId, viewer);
    const errors = new FieldErrors();
    const title = (input.title ?? recording.title).trim();
    if (!title) errors.add('title', 'error.field.required');
    else if (title.length > replayLimits.titleMax) errors.add('title', 'error.field.tooLong', { max: replayLimits.titleMax });
    const description = (input.description ?? recording.description).trim();
    if (description.length > replayLimits.descriptionMax) errors.add('description', 'error.field.tooLong', { max: replayLimits.descriptionMax });
    const visibility = (input.visibility ?? recording.visibility) as ReplayVisibility;
    if (!visibilities.includes(visibility)) errors.add('visibility', 'error.field.oneOf', { values: visibilities.join(', ') });
    const clipPolicy = (input.clipPolicy ?? recording.clip_policy) as ClipPolicy;
    if (!clipPolicies.includes(clipPolicy)) errors.add('clipPolicy', 'error.field.oneOf', { values: clipPolicies.join(', ') });
    const trim = this.readTrim(recording, input, errors);
    errors.throwIfAny('badRequest');
    const downloads = input.downloads === undefined ? recording.downloads_allowed : ['1', 'yes', 'on', 'true'].includes(input.downloads) ? 1 : 0;
    const trimChanged = trim.start !== recording.trim_start_ms || trim.end !== recording.trim_end_ms;
    const refinalise = trimChanged && ['ready', 'failed'].includes(recording.status);
    await updateReplay(this.deps.db, recording.id, {
      title,
      description,
      visibility,
      clip_policy: clipPolicy,
      downloads_allowed: downloads,
      trim_start_ms: trim.start,
      trim_end_ms: trim.end,
      ...(refinalise ? { status: 'processing' as const } : {}),
    });
    if (refinalise) await this.deps.jobs.enqueue(finaliseRecordingKind, { recordingId: recording.id });
    return (await findRecordingOfRoom(this.deps.db, roomId))!;
  }

  /** Trim points in ms: empty start is 0, empty end is the end (null). Within the duration, start before end. */
  private readTrim(recording: Recording, input: ReplayEditInput, errors: FieldErrors): { start: number; end: number | null } {
    const read = (field: 'trimStart' | 'trimEnd', value: string | undefined, current: number | null) => {
      if (value === undefined) return current;
      if (value.trim() === '') return field === 'trimStart' ? 0 : null;
      const ms = parseClockTime(value);
      if (ms === null) errors.add(field, 'replay.error.time');
      else if (ms > recording.duration_ms) errors.add(field, 'replay.error.pastEnd', { duration: Math.floor(recording.duration_ms / 1000) });
      return ms;
    };
    const start = read('trimStart', input.trimStart, recording.trim_start_ms) ?? 0;
    let end = read('trimEnd', input.trimEnd, recording.trim_end_ms);
    if (end !== null && end >= recording.duration_ms) end = null; // the very end: no end trim
    if (start >= (end ?? recording.duration_ms) && recording.duration_ms > 0) errors.add(input.trimStart !== undefined ? 'trimStart' : 'trimEnd', 'replay.error.startAfterEnd');
    return { start, end };
  }

  /** Deletes the files (the whole folder) and the rows. */
  async remove(viewer: User, roomId: string): Promise<void> {
    const { recording } = await this.requireManager(roomId, viewer);
    await rm(this.deps.dirOf(recording.id), { recursive: true, force: true });
    await deleteRecording(this.deps.db, recording.id);
    this.deps.log.info('replay deleted', { recording: recording.id, by: viewer.id });
  }

  /** A speaker's "Hide from my profile" (and back). */
  async setHiddenOnProfile(viewer: User, roomId: string, hidden: boolean): Promise<void> {
    const { recording, isSpeaker } = await this.require(roomId, viewer);
    if (!isSpeaker) throw new Forbidden('Only the speakers of this replay can hide it from their profile');
    await setHidden(this.deps.db, recording.id, viewer.id, hidden);
  }

  /** One play per page view; one address counts at most once per replay every 10 minutes. */
  async countPlay(roomId: string, viewer: User | null, ip: string): Promise<{ plays: number; counted: boolean }> {
    const { recording } = await this.require(roomId, viewer);
    if (recording.status !== 'ready') throw new NotFound('This replay is not ready');
    const who = viewer ? `u${viewer.id}` : `ip${ip}`;
    if (!this.deps.limiter.hit(`replay-play:${recording.id}:${who}`, 1, 10 * 60_000).allowed) return { plays: recording.plays, counted: false };
    return { plays: await addPlay(this.deps.db, recording.id), counted: true };
  }
}
