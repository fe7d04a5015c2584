// Running a community: reports get their decision and audio evidence, an append-only audit log
// (the database itself refuses edits and deletions), and per-room numbers for host analytics
// (counters, listeners over time, talk time per speaker).
import { sql, type Kysely } from 'kysely';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export async function up(db: Kysely<any>) {
  const reportColumns: [string, 'text' | 'integer'][] = [
    ['target_participant', 'text'], // "u:<id>" or "a:<anonymous id>": anonymous people can be reported too
    ['stage_snapshot', 'text'], // JSON: who was on stage when it was filed
    ['evidence_file', 'text'], // relative to <dataDir>/evidence
    ['evidence_expires_at', 'text'],
    ['handled_by', 'integer'],
    ['handled_at', 'text'],
    ['decision', 'text'], // dismissed | warned | removed | ended | suspended | contentDeleted
    ['decision_note', 'text'],
  ];
  for (const [name, type] of reportColumns) await db.schema.alterTable('reports').addColumn(name, type).execute();
  await db.schema.createIndex('reports_by_status').on('reports').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('actor_id', 'integer') // null: the server itself (a job, a timer)
    .addColumn('actor_name', 'text', (c) => c.notNull()) // kept as it was: accounts change and go
    .addColumn('actor_role', 'text', (c) => c.notNull()) // admin | host | cohost | moderator | system
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('target_name', 'text')
    .addColumn('room_id', 'text')
    .addColumn('previous', 'text') // JSON: the value before, where it applies
    .addColumn('details', 'text') // JSON
    .execute();
  await db.schema.createIndex('audit_log_by_time').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_by_action').on('audit_log').columns(['action', 'at']).execute();
  await sql`create trigger audit_log_append_only_update before update on audit_log begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
  await sql`create trigger audit_log_append_only_delete before delete on audit_log begin select raise(abort, 'the audit log is append-only'); end`.execute(db);

  await db.schema
    .createTable('room_stats')
    .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id').onDelete('cascade'))
    .addColumn('reactions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hand_raises', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('room_listener_samples')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('listeners', 'integer', (c) => c.notNull())
    .addColumn('speakers', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_listener_samples_pk', ['room_id', 'at'])
    .execute();

  await db.schema
    .createTable('room_talk_time')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('talk_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('room_talk_time_pk', ['room_id', 'participant_id'])
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ['room_talk_time', 'room_listener_samples', 'room_stats', 'audit_log']) await db.schema.dropTable(table).ifExists().execute();
  await sql`drop index if exists reports_by_status`.execute(db);
  for (const column of ['decision_note', 'decision', 'handled_at', 'handled_by', 'evidence_expires_at', 'evidence_file', 'stage_snapshot', 'target_participant']) {
    await db.schema.alterTable('reports').dropColumn(column).execute();
  }
}
