// Live rooms and their durable facts: rooms, who took part, removals, reports.
import { sql, type Kysely } from 'kysely';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export async function up(db: Kysely<any>) {
  await db.schema
    .createTable('rooms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('topics', 'text', (c) => c.notNull().defaultTo('[]')) // JSON array of strings
    .addColumn('speak_policy', 'text', (c) => c.notNull().defaultTo('anyone').check(sql`speak_policy in ('anyone', 'invited')`))
    .addColumn('record_intent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('live').check(sql`status in ('live', 'ended')`))
    .addColumn('end_reason', 'text')
    .addColumn('peak_listeners', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('started_at', 'text')
    .addColumn('ended_at', 'text')
    .execute();
  await db.schema.createIndex('rooms_by_host').on('rooms').columns(['host_id', 'created_at']).execute();
  await db.schema.createIndex('rooms_by_status').on('rooms').column('status').execute();

  await db.schema
    .createTable('room_participants')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('anonymous_id', 'text')
    .addColumn('top_role', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('left_at', 'text')
    .execute();
  await db.schema.createIndex('room_participants_by_room').on('room_participants').column('room_id').execute();

  await db.schema
    .createTable('room_removals')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('participant_key', 'text', (c) => c.notNull()) // "u:<userId>" or "a:<anonymous id>"
    .addColumn('removed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('room_removals_pk', ['room_id', 'participant_key'])
    .execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('reporter_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('room_id', 'text', (c) => c.references('rooms.id').onDelete('set null'))
    .addColumn('target_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ['reports', 'room_removals', 'room_participants', 'rooms']) await db.schema.dropTable(table).ifExists().execute();
}
