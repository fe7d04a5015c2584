// SQL for clips, and the replay and clip listings of profiles and the studio.
import type { Db } from '../../db/connection';
import type { Clip, Recording, RecordingStatus, ReplayVisibility } from '../../db/schema';

export async function insertClip(db: Db, row: Omit<Clip, 'plays' | 'created_at'>): Promise<Clip> {
  return db.insertInto('clips').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A clip with what its page shows: the recording, its room and who clipped it. */
export async function findClipDetails(db: Db, id: string) {
  return db
    .selectFrom('clips')
    .innerJoin('recordings', 'recordings.id', 'clips.recording_id')
    .innerJoin('users as creator', 'creator.id', 'clips.created_by')
    .innerJoin('users as host', 'host.id', 'recordings.host_id')
    .selectAll('clips')
    .select(['recordings.room_id', 'recordings.title as recording_title', 'recordings.host_id', 'creator.handle as creator_handle', 'creator.display_name as creator_name', 'host.handle as host_handle', 'host.display_name as host_name'])
    .where('clips.id', '=', id)
    .executeTakeFirst();
}
export type ClipDetails = NonNullable<Awaited<ReturnType<typeof findClipDetails>>>;

export async function deleteClipRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('clips').where('id', '=', id).execute();
}

export async function addClipPlay(db: Db, id: string): Promise<void> {
  await db.updateTable('clips').set((eb) => ({ plays: eb('plays', '+', 1) })).where('id', '=', id).execute();
}

export async function expiredClips(db: Db, nowIso: string, limit = 500): Promise<Pick<Clip, 'id' | 'file'>[]> {
  return db.selectFrom('clips').select(['id', 'file']).where('expires_at', 'is not', null).where('expires_at', '<=', nowIso).limit(limit).execute();
}

export interface ClipListing {
  id: string;
  title: string;
  duration_ms: number;
  plays: number;
  created_at: string;
  room_id: string;
  recording_title: string;
  creator_handle: string;
}

const clipColumns = ['clips.id', 'clips.title', 'clips.duration_ms', 'clips.plays', 'clips.created_at', 'recordings.room_id', 'recordings.title as recording_title', 'creator.handle as creator_handle'] as const;

/**
 * Recent clips for a profile: clips this person made, or of rooms they hosted, of replays anyone
 * may see (public), not expired.
 */
export async function publicClipsOf(db: Db, userId: number, nowIso: string, limit = 10): Promise<ClipListing[]> {
  return db
    .selectFrom('clips')
    .innerJoin('recordings', 'recordings.id', 'clips.recording_id')
    .innerJoin('users as creator', 'creator.id', 'clips.created_by')
    .select(clipColumns)
    .where((eb) => eb.or([eb('clips.created_by', '=', userId), eb('recordings.host_id', '=', userId)]))
    .where('recordings.visibility', '=', 'public')
    .where((eb) => eb.or([eb('clips.expires_at', 'is', null), eb('clips.expires_at', '>', nowIso)]))
    .orderBy('clips.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** The studio: every clip of the host's rooms, whatever the replay's visibility. */
export async function clipsOfHost(db: Db, hostId: number, limit = 50): Promise<ClipListing[]> {
  return db
    .selectFrom('clips')
    .innerJoin('recordings', 'recordings.id', 'clips.recording_id')
    .innerJoin('users as creator', 'creator.id', 'clips.created_by')
    .select(clipColumns)
    .where('recordings.host_id', '=', hostId)
    .orderBy('clips.created_at', 'desc')
    .limit(limit)
    .execute();
}

export interface ReplayListing {
  room_id: string;
  title: string;
  status: RecordingStatus;
  visibility: ReplayVisibility;
  duration_ms: number;
  trim_start_ms: number;
  trim_end_ms: number | null;
  plays: number;
  started_at: string;
  clips: number;
}

const replayColumns = ['recordings.room_id', 'recordings.title', 'recordings.status', 'recordings.visibility', 'recordings.duration_ms', 'recordings.trim_start_ms', 'recordings.trim_end_ms', 'recordings.plays', 'recordings.started_at'] as const;

/**
 * Public, ready replays a person hosted or spoke in, minus those they hid from their profile
 * (a host's own replays are theirs to delete, not to hide).
 */
export async function publicReplaysOf(db: Db, userId: number, limit = 20): Promise<ReplayListing[]> {
  return db
    .selectFrom('recordings')
    .select(replayColumns)
    .select((eb) => eb.selectFrom('clips').select((c) => c.fn.countAll<number>().as('n')).whereRef('clips.recording_id', '=', 'recordings.id').as('clips'))
    .where('recordings.visibility', '=', 'public')
    .where('recordings.status', '=', 'ready')
    .where((eb) =>
      eb.or([
        eb('recordings.host_id', '=', userId),
        eb.and([
          eb.exists(eb.selectFrom('recording_tracks').select('recording_tracks.id').whereRef('recording_tracks.recording_id', '=', 'recordings.id').where('recording_tracks.user_id', '=', userId)),
          eb.not(eb.exists(eb.selectFrom('replay_hidden').select('replay_hidden.user_id').whereRef('replay_hidden.recording_id', '=', 'recordings.id').where('replay_hidden.user_id', '=', userId))),
        ]),
      ]),
    )
    .orderBy('recordings.started_at', 'desc')
    .limit(limit)
    .execute() as Promise<ReplayListing[]>;
}

/** The studio: all the host's recordings, whatever their status and visibility. */
export async function replaysOfHost(db: Db, hostId: number, limit = 50): Promise<ReplayListing[]> {
  return db
    .selectFrom('recordings')
    .select(replayColumns)
    .select((eb) => eb.selectFrom('clips').select((c) => c.fn.countAll<number>().as('n')).whereRef('clips.recording_id', '=', 'recordings.id').as('clips'))
    .where('recordings.host_id', '=', hostId)
    .orderBy('recordings.started_at', 'desc')
    .limit(limit)
    .execute() as Promise<ReplayListing[]>;
}

export async function wasRemovedFrom(db: Db, roomId: string, userId: number): Promise<boolean> {
  const row = await db.selectFrom('room_removals').select('room_id').where('room_id', '=', roomId).where('participant_key', '=', `u:${userId}`).executeTakeFirst();
  return !!row;
}

export type { Recording };
