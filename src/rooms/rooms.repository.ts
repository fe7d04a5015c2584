// SQL for rooms and their durable facts (participation history, removals, reports).
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, Room } from '../db/schema';
import { parseStringList } from '../db/json-columns';

type Q = Kysely<DatabaseSchema>;
const nowIso = () => new Date().toISOString();

/** The stored row with its topics parsed (a JSON array of strings; anything else reads as none). */
function toRoom(row: Selectable<DatabaseSchema['rooms']>): Room {
  return { ...row, topics: parseStringList(row.topics) };
}

export const findRoom = async (db: Q, id: string) => {
  const row = await db.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRoom(row);
};

export async function insertLiveRoom(db: Q, room: Pick<Room, 'id' | 'host_id' | 'title' | 'topics' | 'speak_policy' | 'record_intent'>): Promise<Room> {
  const row = await db
    .insertInto('rooms')
    .values({ ...room, topics: JSON.stringify(room.topics), status: 'live', started_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRoom(row);
}

export const findLiveRoomOfHost = async (db: Q, hostId: number) => {
  const row = await db.selectFrom('rooms').selectAll().where('host_id', '=', hostId).where('status', '=', 'live').executeTakeFirst();
  return row && toRoom(row);
};

export function markRoomEnded(db: Q, id: string, reason: string, peakListeners: number) {
  return db
    .updateTable('rooms')
    .set((eb) => ({ status: 'ended', end_reason: reason, ended_at: nowIso(), peak_listeners: eb.fn('max', [eb.ref('peak_listeners'), eb.val(peakListeners)]) }))
    .where('id', '=', id)
    .where('status', '=', 'live')
    .execute();
}

/** After a crash or restart no room is really live: close what the last run left open. */
export async function endOrphanedRooms(db: Q): Promise<number> {
  const result = await db.updateTable('rooms').set({ status: 'ended', end_reason: 'restart', ended_at: nowIso() }).where('status', '=', 'live').executeTakeFirst();
  await db.updateTable('room_participants').set({ left_at: nowIso() }).where('left_at', 'is', null).execute();
  return Number(result.numUpdatedRows);
}

export const listRoomsOfHost = async (db: Q, hostId: number, limit = 50) =>
  (await db.selectFrom('rooms').selectAll().where('host_id', '=', hostId).orderBy('created_at', 'desc').limit(limit).execute()).map(toRoom);

export async function insertParticipation(db: Q, row: { room_id: string; user_id: number | null; anonymous_id: string | null; top_role: string }) {
  const inserted = await db.insertInto('room_participants').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export const closeParticipation = (db: Q, id: number, topRole: string) =>
  db.updateTable('room_participants').set({ left_at: nowIso(), top_role: topRole }).where('id', '=', id).execute();

export const insertRemoval = (db: Q, roomId: string, participantKey: string, removedBy: number | null) =>
  db.insertInto('room_removals').values({ room_id: roomId, participant_key: participantKey, removed_by: removedBy }).onConflict((oc) => oc.doNothing()).execute();

export const insertReport = (db: Q, report: { reporter_id: number; room_id: string | null; target_user_id: number | null; reason: string }) =>
  db.insertInto('reports').values(report).returningAll().executeTakeFirstOrThrow();
