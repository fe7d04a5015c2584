// The durable job table: work that must survive a restart (finalising and mixing recordings, ...).
import { sql } from 'kysely';
import type { Db } from '../db/connection';
import type { Job } from '../db/schema';

const iso = (ms: number) => new Date(ms).toISOString();

export async function insertJob(db: Db, kind: string, payload: unknown, runAfterMs = Date.now()): Promise<number> {
  const row = await db.insertInto('jobs').values({ kind, payload: JSON.stringify(payload), run_after: iso(runAfterMs) }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Takes the next due job (pending, run_after passed) and marks it running, in one statement. */
export async function claimDueJob(db: Db, nowMs: number): Promise<Job | undefined> {
  return db
    .updateTable('jobs')
    .set({ status: 'running', attempts: sql`attempts + 1`, updated_at: iso(nowMs) })
    .where('id', '=', (q) => q.selectFrom('jobs').select('id').where('status', '=', 'pending').where('run_after', '<=', iso(nowMs)).orderBy('run_after').orderBy('id').limit(1))
    .returningAll()
    .executeTakeFirst();
}

export async function markJobDone(db: Db, id: number): Promise<void> {
  await db.updateTable('jobs').set({ status: 'done', last_error: null, updated_at: iso(Date.now()) }).where('id', '=', id).execute();
}

export async function rescheduleJob(db: Db, id: number, error: string, runAfterMs: number): Promise<void> {
  await db.updateTable('jobs').set({ status: 'pending', last_error: error, run_after: iso(runAfterMs), updated_at: iso(Date.now()) }).where('id', '=', id).execute();
}

export async function markJobFailed(db: Db, id: number, error: string): Promise<void> {
  await db.updateTable('jobs').set({ status: 'failed', last_error: error, updated_at: iso(Date.now()) }).where('id', '=', id).execute();
}

/** A process that died mid-job left it 'running': it runs again. */
export async function requeueInterruptedJobs(db: Db): Promise<number> {
  const result = await db.updateTable('jobs').set({ status: 'pending' }).where('status', '=', 'running').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findJobs(db: Db, kind?: string): Promise<Job[]> {
  let q = db.selectFrom('jobs').selectAll().orderBy('id');
  if (kind) q = q.where('kind', '=', kind);
  return q.execute();
}

/** Finished jobs older than the cut-off go (the table would grow forever). */
export async function deleteFinishedJobs(db: Db, beforeMs: number): Promise<void> {
  await db.deleteFrom('jobs').where('status', '=', 'done').where('updated_at', '<', iso(beforeMs)).execute();
}
