// Trust rules the database enforces: one live room per host (parallel "Start now" cannot make two),
// and instance secrets made at first start (signing anonymous listener tokens), kept apart from
// the settings that admins read and edit.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>) {
  // A database from before this rule may hold several live rooms of one host: keep the newest.
  await sql`update rooms set status = 'ended', end_reason = 'restart', ended_at = coalesce(ended_at, (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
    where status = 'live' and exists (select 1 from rooms newer where newer.host_id = rooms.host_id and newer.status = 'live'
      and (newer.created_at > rooms.created_at or (newer.created_at = rooms.created_at and newer.id > rooms.id)))`.execute(db);
  await sql`create unique index rooms_one_live_per_host on rooms (host_id) where status = 'live'`.execute(db);

  await db.schema
    .createTable('instance_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`))
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable('instance_secrets').ifExists().execute();
  await sql`drop index if exists rooms_one_live_per_host`.execute(db);
}
