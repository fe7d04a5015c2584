// SQL for what recordings hold on disk: storage per host (/admin/storage) and the replays the
// instance's retention has expired (src/recording/retention.ts).
import type { Db } from '../db/connection';

export interface HostStorageRow {
  hostId: number;
  handle: string;
  displayName: string;
  /** Bytes of the host's recordings (tracks and mixed replay). */
  recordingBytes: number;
  /** Bytes of the clips made from the host's recordings. */
  clipBytes: number;
  /** Recordings that hold a replay (not 'empty'). */
  replays: number;
  clips: number;
}

/** Every host with recordings, the largest use first: one query (grouped subqueries joined). */
export async function storageByHost(db: Db): Promise<HostStorageRow[]> {
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('recordings')
        .select((s) => [
          'host_id',
          s.fn.coalesce(s.fn.sum<number>('bytes'), s.lit(0)).as('recording_bytes'),
          s.fn.sum<number>(s.case().when('status', '!=', 'empty').then(1).else(0).end()).as('replays'),
        ])
        .groupBy('host_id')
        .as('r'),
    )
    .innerJoin('users', 'users.id', 'r.host_id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('clips')
          .innerJoin('recordings', 'recordings.id', 'clips.recording_id')
          .select((s) => ['recordings.host_id as host_id', s.fn.coalesce(s.fn.sum<number>('clips.bytes'), s.lit(0)).as('clip_bytes'), s.fn.countAll<number>().as('clips')])
          .groupBy('recordings.host_id')
          .as('c'),
      (join) => join.onRef('c.host_id', '=', 'r.host_id'),
    )
    .select((s) => [
      'r.host_id',
      'users.handle',
      'users.display_name',
      'r.recording_bytes',
      'r.replays',
      s.fn.coalesce('c.clip_bytes', s.lit(0)).as('clip_bytes'),
      s.fn.coalesce('c.clips', s.lit(0)).as('clips'),
    ])
    .orderBy((s) => s('r.recording_bytes', '+', s.fn.coalesce('c.clip_bytes', s.lit(0))), 'desc')
    .orderBy('users.handle')
    .execute();
  return rows.map((row) => ({
    hostId: row.host_id,
    handle: row.handle,
    displayName: row.display_name,
    recordingBytes: Number(row.recording_bytes),
    clipBytes: Number(row.clip_bytes),
    replays: Number(row.replays),
    clips: Number(row.clips),
  }));
}

export interface ExpiredRecording {
  id: string;
  /** File names of its clips, in `<dataDir>/clips/`. */
  clipFiles: string[];
}

/** Recordings whose room ended before `endedBefore` (ISO time) and that are finished (never one still recording or processing). */
export async function findExpiredRecordings(db: Db, endedBefore: string, limit: number): Promise<ExpiredRecording[]> {
  const recordings = await db
    .selectFrom('recordings')
    .innerJoin('rooms', 'rooms.id', 'recordings.room_id')
    .select('recordings.id')
    .where('rooms.status', '=', 'ended')
    .where('rooms.ended_at', '<', endedBefore)
    .where('recordings.status', 'not in', ['recording', 'processing'])
    .orderBy('rooms.ended_at')
    .limit(limit)
    .execute();
  if (!recordings.length) return [];
  const ids = recordings.map((r) => r.id);
  const clips = await db.selectFrom('clips').select(['recording_id', 'file']).where('recording_id', 'in', ids).execute();
  return ids.map((id) => ({ id, clipFiles: clips.filter((c) => c.recording_id === id).map((c) => c.file) }));
}

/** Deletes a finished recording's rows (tracks, timeline, clips… cascade); false if it is (again) recording or processing. */
export async function deleteFinishedRecording(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('recordings').where('id', '=', id).where('status', 'not in', ['recording', 'processing']).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
