// SQL for replays: who spoke in a recording, edits by its host, play counts, hiding, deleting.
import type { Db } from '../../db/connection';
import type { Recording } from '../../db/schema';

export async function speakerUserIds(db: Db, recordingId: string): Promise<number[]> {
  const rows = await db.selectFrom('recording_tracks').select('user_id').distinct().where('recording_id', '=', recordingId).where('user_id', 'is not', null).execute();
  return rows.map((r) => r.user_id!);
}

export async function speakerNames(db: Db, recordingId: string): Promise<{ userId: number | null; name: string; handle: string | null }[]> {
  const rows = await db
    .selectFrom('recording_tracks')
    .leftJoin('users', 'users.id', 'recording_tracks.user_id')
    .select(['recording_tracks.user_id', 'recording_tracks.name', 'recording_tracks.participant_id', 'users.handle'])
    .where('recording_id', '=', recordingId)
    .orderBy('recording_tracks.offset_ms')
    .execute();
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.participant_id) && seen.add(r.participant_id)).map((r) => ({ userId: r.user_id, name: r.name, handle: r.handle }));
}

export type ReplayEdit = Partial<Pick<Recording, 'title' | 'description' | 'visibility' | 'downloads_allowed' | 'clip_policy' | 'trim_start_ms' | 'trim_end_ms' | 'status'>>;

export async function updateReplay(db: Db, id: string, fields: ReplayEdit): Promise<void> {
  await db.updateTable('recordings').set(fields).where('id', '=', id).execute();
}

export async function addPlay(db: Db, id: string): Promise<number> {
  const row = await db.updateTable('recordings').set((eb) => ({ plays: eb('plays', '+', 1) })).where('id', '=', id).returning('plays').executeTakeFirst();
  return row?.plays ?? 0;
}

export async function isHiddenBy(db: Db, recordingId: string, userId: number): Promise<boolean> {
  return !!(await db.selectFrom('replay_hidden').select('user_id').where('recording_id', '=', recordingId).where('user_id', '=', userId).executeTakeFirst());
}

export async function setHidden(db: Db, recordingId: string, userId: number, hidden: boolean): Promise<void> {
  if (hidden) await db.insertInto('replay_hidden').values({ recording_id: recordingId, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
  else await db.deleteFrom('replay_hidden').where('recording_id', '=', recordingId).where('user_id', '=', userId).execute();
}

/** The recording and everything hanging off it (tracks, speech, clips, hides cascade). */
export async function deleteRecording(db: Db, id: string): Promise<void> {
  await db.deleteFrom('recordings').where('id', '=', id).execute();
}
