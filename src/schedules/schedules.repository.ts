// SQL for scheduled rooms, the people invited in advance and reminders.
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, ScheduledRoomStatus } from '../db/schema';
import type { Schedule } from './schedules.model';
import { parseStringList } from '../db/json-columns';

type Q = Kysely<DatabaseSchema>;
const nowIso = () => new Date().toISOString();

function toSchedule(row: Selectable<DatabaseSchema['scheduled_rooms']>): Schedule {
  return { ...row, topics: parseStringList(row.topics) };
}

export type ScheduleRow = Omit<Schedule, 'status' | 'created_at' | 'updated_at'>;

export async function insertSchedule(db: Q, row: ScheduleRow): Promise<Schedule> {
  const inserted = await db.insertInto('scheduled_rooms').values({ ...row, topics: JSON.stringify(row.topics) }).returningAll().executeTakeFirstOrThrow();
  return toSchedule(inserted);
}

export const findSchedule = async (db: Q, id: string) => {
  const row = await db.selectFrom('scheduled_rooms').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSchedule(row);
};

/** Changes a room that is still scheduled; false when it meanwhile started or was cancelled. */
export async function updateSchedule(db: Q, id: string, changes: Partial<Omit<ScheduleRow, 'id' | 'host_id'>>): Promise<boolean> {
  const { topics, ...rest } = changes;
  const result = await db
    .updateTable('scheduled_rooms')
    .set({ ...rest, ...(topics ? { topics: JSON.stringify(topics) } : {}), updated_at: nowIso() })
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Moves from one status to the next only if it is still in the first: the one caller that wins acts. */
export async function moveStatus(db: Q, id: string, from: ScheduledRoomStatus, to: ScheduledRoomStatus): Promise<boolean> {
  const result = await db.updateTable('scheduled_rooms').set({ status: to, updated_at: nowIso() }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countUpcomingOfHost(db: Q, hostId: number): Promise<number> {
  const row = await db.selectFrom('scheduled_rooms').select((eb) => eb.fn.countAll<number>().as('n')).where('host_id', '=', hostId).where('status', '=', 'scheduled').executeTakeFirstOrThrow();
  return Number(row.n);
}

export const listUpcomingOfHost = async (db: Q, hostId: number, limit = 50) =>
  (await db.selectFrom('scheduled_rooms').selectAll().where('host_id', '=', hostId).where('status', '=', 'scheduled').orderBy('starts_at').limit(limit).execute()).map(toSchedule);

/** Scheduled rooms of hosts in good standing, soonest first (for home). */
export const listUpcoming = async (db: Q, limit: number) =>
  (
    await db
      .selectFrom('scheduled_rooms')
      .innerJoin('users', 'users.id', 'scheduled_rooms.host_id')
      .selectAll('scheduled_rooms')
      .where('scheduled_rooms.status', '=', 'scheduled')
      .where('users.suspended_at', 'is', null)
      .orderBy('scheduled_rooms.starts_at')
      .limit(limit)
      .execute()
  ).map(toSchedule);

/** Still scheduled and starting before `until` (the timer's work: starting soon, missed). */
export const listScheduledBefore = async (db: Q, until: Date) =>
  (await db.selectFrom('scheduled_rooms').selectAll().where('status', '=', 'scheduled').where('starts_at', '<=', until.toISOString()).orderBy('starts_at').limit(500).execute()).map(toSchedule);

// ---- invitations in advance ----------------------------------------------------------------

export type InviteKind = 'speaker' | 'cohost';
export type InviteStatus = 'pending' | 'accepted' | 'declined';

export const listInvites = (db: Q, roomId: string) =>
  db
    .selectFrom('scheduled_invites')
    .innerJoin('users', 'users.id', 'scheduled_invites.user_id')
    .select(['scheduled_invites.user_id', 'scheduled_invites.kind', 'scheduled_invites.status', 'users.handle', 'users.display_name', 'users.avatar_file'])
    .where('scheduled_invites.room_id', '=', roomId)
    .orderBy('scheduled_invites.created_at')
    .execute();

export type InviteRow = Awaited<ReturnType<typeof listInvites>>[number];

export const upsertInvite = (db: Q, roomId: string, userId: number, kind: InviteKind) =>
  db
    .insertInto('scheduled_invites')
    .values({ room_id: roomId, user_id: userId, kind })
    .onConflict((oc) => oc.columns(['room_id', 'user_id']).doUpdateSet({ kind, status: 'pending' }))
    .execute();

export const deleteInvite = (db: Q, roomId: string, userId: number) => db.deleteFrom('scheduled_invites').where('room_id', '=', roomId).where('user_id', '=', userId).execute();

export async function setInviteStatus(db: Q, roomId: string, userId: number, status: InviteStatus): Promise<boolean> {
  const result = await db.updateTable('scheduled_invites').set({ status }).where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// ---- reminders -------------------------------------------------------------------------------

export const addReminder = (db: Q, roomId: string, userId: number) =>
  db.insertInto('room_reminders').values({ room_id: roomId, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();

export const removeReminder = (db: Q, roomId: string, userId: number) => db.deleteFrom('room_reminders').where('room_id', '=', roomId).where('user_id', '=', userId).execute();

export async function hasReminder(db: Q, roomId: string, userId: number): Promise<boolean> {
  return !!(await db.selectFrom('room_reminders').select('user_id').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst());
}

export async function reminderHolders(db: Q, roomId: string): Promise<number[]> {
  return (await db.selectFrom('room_reminders').select('user_id').where('room_id', '=', roomId).execute()).map((r) => r.user_id);
}

export async function reminderCount(db: Q, roomId: string): Promise<number> {
  const row = await db.selectFrom('room_reminders').select((eb) => eb.fn.countAll<number>().as('n')).where('room_id', '=', roomId).executeTakeFirstOrThrow();
  return Number(row.n);
}
