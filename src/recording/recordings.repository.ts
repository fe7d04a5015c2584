// SQL for recordings, their tracks and their speaker timeline.
import type { Db } from '../db/connection';
import type { Recording, RecordingSpeech, RecordingStatus, RecordingTrack } from '../db/schema';

const nowIso = () => new Date().toISOString();

export async function insertRecording(db: Db, row: { id: string; room_id: string; host_id: number; title: string }): Promise<Recording> {
  return db.insertInto('recordings').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findRecording(db: Db, id: string): Promise<Recording | undefined> {
  return db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findRecordingOfRoom(db: Db, roomId: string): Promise<Recording | undefined> {
  return db.selectFrom('recordings').selectAll().where('room_id', '=', roomId).executeTakeFirst();
}

/** Recordings still marked 'recording': their room ended with the process (a crash or a restart). */
export async function findInterruptedRecordings(db: Db, liveRoomIds: string[]): Promise<Recording[]> {
  let q = db.selectFrom('recordings').selectAll().where('status', '=', 'recording');
  if (liveRoomIds.length) q = q.where('room_id', 'not in', liveRoomIds);
  return q.execute();
}

export async function setRecordingStatus(db: Db, id: string, status: RecordingStatus, fields: Partial<Pick<Recording, 'error' | 'duration_ms' | 'stopped_at' | 'processed_at' | 'bytes'>> = {}): Promise<void> {
  await db.updateTable('recordings').set({ status, ...fields }).where('id', '=', id).execute();
}

export async function insertTrack(db: Db, row: Omit<RecordingTrack, 'id' | 'end_ms' | 'bytes'>): Promise<number> {
  const inserted = await db.insertInto('recording_tracks').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function endTrack(db: Db, id: number, endMs: number): Promise<void> {
  await db.updateTable('recording_tracks').set({ end_ms: endMs }).where('id', '=', id).execute();
}

export async function updateTrack(db: Db, id: number, fields: Partial<Pick<RecordingTrack, 'end_ms' | 'bytes'>>): Promise<void> {
  await db.updateTable('recording_tracks').set(fields).where('id', '=', id).execute();
}

export async function findTracks(db: Db, recordingId: string): Promise<RecordingTrack[]> {
  return db.selectFrom('recording_tracks').selectAll().where('recording_id', '=', recordingId).orderBy('offset_ms').orderBy('id').execute();
}

export async function insertSpeech(db: Db, rows: RecordingSpeech[]): Promise<void> {
  if (rows.length) await db.insertInto('recording_speech').values(rows).execute();
}

export async function findSpeech(db: Db, recordingId: string): Promise<RecordingSpeech[]> {
  return db.selectFrom('recording_speech').selectAll().where('recording_id', '=', recordingId).orderBy('start_ms').execute();
}

/** Bytes a host's recordings and the clips of their rooms hold on disk (the storage quota). */
export async function storageUsedBy(db: Db, hostId: number): Promise<number> {
  const recordings = await db.selectFrom('recordings').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('bytes'), eb.lit(0)).as('total')).where('host_id', '=', hostId).executeTakeFirst();
  const clips = await db
    .selectFrom('clips')
    .innerJoin('recordings', 'recordings.id', 'clips.recording_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('clips.bytes'), eb.lit(0)).as('total'))
    .where('recordings.host_id', '=', hostId)
    .executeTakeFirst();
  return Number(recordings?.total ?? 0) + Number(clips?.total ?? 0);
}

export { nowIso };
