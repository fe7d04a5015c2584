// SQL for host analytics: counters, listeners over time and talk time (written while a room is
// live), and the numbers read back from them and from who took part.
import { sql } from 'kysely';
import type { Db } from '../db/connection';

export function saveRoomCounters(db: Db, roomId: string, reactions: number, handRaises: number) {
  const at = new Date().toISOString();
  return db
    .insertInto('room_stats')
    .values({ room_id: roomId, reactions, hand_raises: handRaises, updated_at: at })
    .onConflict((oc) => oc.column('room_id').doUpdateSet({ reactions, hand_raises: handRaises, updated_at: at }))
    .execute();
}

export function insertListenerSample(db: Db, row: { room_id: string; at: string; listeners: number; speakers: number }) {
  return db.insertInto('room_listener_samples').values(row).onConflict((oc) => oc.doNothing()).execute();
}

export async function addTalkTime(db: Db, roomId: string, rows: { participantId: string; userId: number | null; name: string; ms: number }[]) {
  if (!rows.length) return;
  await db.transaction().execute(async (trx) => {
    for (const row of rows) {
      await trx
        .insertInto('room_talk_time')
        .values({ room_id: roomId, participant_id: row.participantId, user_id: row.userId, name: row.name, talk_ms: row.ms })
        .onConflict((oc) => oc.columns(['room_id', 'participant_id']).doUpdateSet({ talk_ms: sql`talk_ms + excluded.talk_ms`, name: row.name }))
        .execute();
    }
  });
}

export function roomCounters(db: Db, roomId: string) {
  return db.selectFrom('room_stats').select(['reactions', 'hand_raises']).where('room_id', '=', roomId).executeTakeFirst();
}

export function listenerSamples(db: Db, roomId: string) {
  return db.selectFrom('room_listener_samples').select(['at', 'listeners', 'speakers']).where('room_id', '=', roomId).orderBy('at').execute();
}

export function talkTimes(db: Db, roomId: string) {
  return db
    .selectFrom('room_talk_time')
    .leftJoin('users', 'users.id', 'room_talk_time.user_id')
    .select(['room_talk_time.participant_id as participantId', 'room_talk_time.name', 'room_talk_time.talk_ms as talkMs', 'users.handle'])
    .where('room_id', '=', roomId)
    .orderBy('talk_ms', 'desc')
    .execute();
}

export function participations(db: Db, roomId: string) {
  return db.selectFrom('room_participants').select(['user_id', 'anonymous_id', 'top_role', 'joined_at', 'left_at']).where('room_id', '=', roomId).execute();
}

export async function replayAndClipPlays(db: Db, roomId: string): Promise<{ replayPlays: number; clipPlays: number; replays: number; clips: number }> {
  const replays = await db
    .selectFrom('recordings')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('plays'), sql<number>`0`).as('plays'), eb.fn.countAll<number>().as('count')])
    .where('room_id', '=', roomId)
    .executeTakeFirst();
  const clips = await db
    .selectFrom('clips')
    .innerJoin('recordings', 'recordings.id', 'clips.recording_id')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('clips.plays'), sql<number>`0`).as('plays'), eb.fn.countAll<number>().as('count')])
    .where('recordings.room_id', '=', roomId)
    .executeTakeFirst();
  return { replayPlays: Number(replays?.plays ?? 0), replays: Number(replays?.count ?? 0), clipPlays: Number(clips?.plays ?? 0), clips: Number(clips?.count ?? 0) };
}

/** Was this account a co-host of the room (their highest role in any of their visits)? */
export async function wasCohost(db: Db, roomId: string, userId: number): Promise<boolean> {
  const row = await db.selectFrom('room_participants').select('id').where('room_id', '=', roomId).where('user_id', '=', userId).where('top_role', '=', 'cohost').executeTakeFirst();
  return !!row;
}

export async function wasRemoved(db: Db, roomId: string, userId: number): Promise<boolean> {
  const row = await db.selectFrom('room_removals').select('room_id').where('room_id', '=', roomId).where('participant_key', '=', `u:${userId}`).executeTakeFirst();
  return !!row;
}
