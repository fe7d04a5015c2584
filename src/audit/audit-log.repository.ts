// SQL for the audit log: append and read, never update or delete (the database refuses both).
import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { Db } from '../db/connection';
import type { AuditEntry, AuditLogTable } from '../db/schema';

export interface AuditFilter {
  action?: string;
  /** The actor's handle or name (part of it), or their account id. */
  actor?: string;
  /** The target's name or id (part of it). */
  target?: string;
  room?: string;
  /** Inclusive day bounds, YYYY-MM-DD (UTC). */
  from?: string;
  to?: string;
}

export function insertAuditEntry(db: Db, row: Insertable<AuditLogTable>) {
  return db.insertInto('audit_log').values(row).execute();
}

/** Newest first; `limit` rows from `offset`. */
export function listAuditEntries(db: Db, filter: AuditFilter, limit: number, offset: number): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actor) {
    const actor = filter.actor.replace(/^@/, '');
    query = query.where((eb) => eb.or([contains(sql.ref('actor_name'), actor), ...(/^\d+$/.test(actor) ? [eb('actor_id', '=', Number(actor))] : [])]));
  }
  if (filter.target) {
    const target = filter.target.replace(/^@/, '');
    query = query.where((eb) => eb.or([contains(sql.ref('target_name'), target), eb('target_id', '=', target)]));
  }
  if (filter.room) query = query.where('room_id', '=', filter.room);
  if (filter.from) query = query.where('at', '>=', `${filter.from}T00:00:00.000Z`);
  if (filter.to) query = query.where('at', '<=', `${filter.to}T23:59:59.999Z`);
  return query.orderBy('id', 'desc').limit(limit).offset(offset).execute();
}

/** The actions the log holds, for the filter's choices. */
export async function auditActions(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
  return rows.map((r) => r.action);
}

/** Case-insensitive "contains", without LIKE's wildcards (handles have underscores). */
function contains(column: RawBuilder<unknown>, text: string) {
  return sql<boolean>`instr(lower(${column}), lower(${text})) > 0`;
}
