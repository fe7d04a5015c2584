// SQL for reports: filing, the admins' lists, the hosts' list (no reporter), decisions, evidence expiry.
import type { Db } from '../db/connection';
import type { Report } from '../db/schema';
import type { ReportDecision, ReportStatus } from './reports.model';

type NewReport = Pick<Report, 'reporter_id' | 'room_id' | 'target_user_id' | 'target_participant' | 'reason' | 'stage_snapshot'>;

export const insertReport = (db: Db, report: NewReport) => db.insertInto('reports').values(report).returningAll().executeTakeFirstOrThrow();

export const findReport = (db: Db, id: number) => db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();

/** A report with the names an admin needs (rooms and accounts may be gone: left joins). */
export function reportsForAdmins(db: Db) {
  return db
    .selectFrom('reports')
    .leftJoin('rooms', 'rooms.id', 'reports.room_id')
    .leftJoin('users as reporter', 'reporter.id', 'reports.reporter_id')
    .leftJoin('users as target', 'target.id', 'reports.target_user_id')
    .leftJoin('users as handler', 'handler.id', 'reports.handled_by')
    .selectAll('reports')
    .select([
      'rooms.title as room_title',
      'rooms.status as room_status',
      'rooms.host_id as room_host_id',
      'reporter.handle as reporter_handle',
      'reporter.display_name as reporter_name',
      'target.handle as target_handle',
      'target.display_name as target_name',
      'target.suspended_at as target_suspended_at',
      'handler.handle as handler_handle',
    ]);
}

export type AdminReportRow = NonNullable<Awaited<ReturnType<ReturnType<typeof reportsForAdmins>['executeTakeFirst']>>>;

export const listReports = (db: Db, status: ReportStatus, limit: number, offset: number) =>
  reportsForAdmins(db)
    .where('reports.status', '=', status)
    .orderBy(status === 'open' ? 'reports.created_at' : 'reports.handled_at', 'desc')
    .orderBy('reports.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();

export const findAdminReport = (db: Db, id: number) => reportsForAdmins(db).where('reports.id', '=', id).executeTakeFirst();

export async function countOpenReports(db: Db): Promise<number> {
  const row = await db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'open').executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Reports about a host's rooms, without who filed them. */
export const reportsAboutRoomsOf = (db: Db, hostId: number, limit = 50) =>
  db
    .selectFrom('reports')
    .innerJoin('rooms', 'rooms.id', 'reports.room_id')
    .leftJoin('users as target', 'target.id', 'reports.target_user_id')
    .select(['reports.id', 'reports.room_id', 'rooms.title as room_title', 'reports.reason', 'reports.created_at', 'reports.status', 'reports.decision', 'target.handle as target_handle', 'target.display_name as target_name'])
    .where('rooms.host_id', '=', hostId)
    .orderBy('reports.created_at', 'desc')
    .orderBy('reports.id', 'desc')
    .limit(limit)
    .execute();

export const setEvidence = (db: Db, id: number, file: string, expiresAt: string) =>
  db.updateTable('reports').set({ evidence_file: file, evidence_expires_at: expiresAt }).where('id', '=', id).execute();

export const recordDecision = (db: Db, id: number, fields: { decision: ReportDecision; handled_by: number; handled_at: string; decision_note: string | null; evidence_expires_at?: string | null }) =>
  db.updateTable('reports').set({ ...fields, status: 'handled' }).where('id', '=', id).execute();

export const expiredEvidence = (db: Db, nowIso: string, limit = 500) =>
  db.selectFrom('reports').select(['id', 'evidence_file']).where('evidence_file', 'is not', null).where('evidence_expires_at', '<=', nowIso).limit(limit).execute();

export const clearEvidence = (db: Db, id: number) => db.updateTable('reports').set({ evidence_file: null, evidence_expires_at: null }).where('id', '=', id).execute();

/** What of a room's recorded content an admin may delete: its replay, its clips. */
export async function contentOfRoom(db: Db, roomId: string): Promise<{ hasReplay: boolean; clips: { id: string; title: string }[] }> {
  const recording = await db.selectFrom('recordings').select('id').where('room_id', '=', roomId).executeTakeFirst();
  if (!recording) return { hasReplay: false, clips: [] };
  const clips = await db.selectFrom('clips').select(['id', 'title']).where('recording_id', '=', recording.id).orderBy('created_at', 'desc').limit(50).execute();
  return { hasReplay: true, clips };
}
