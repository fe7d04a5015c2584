// Recordings outlive their room: the recording (one per room), its per-speaker track files on the
// room's recording clock, who spoke when (chapters), clips, speakers who hide a replay from their
// profile, and a durable job table (finalising and mixing survive a restart).
import { sql, type Kysely } from 'kysely';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export async function up(db: Kysely<any>) {
  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().unique().references('rooms.id'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // recording → processing → ready | failed (empty: nobody spoke while it ran)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('recording'))
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('public'))
    .addColumn('downloads_allowed', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('clip_policy', 'text', (c) => c.notNull().defaultTo('anyone'))
    /** Milliseconds of recording time (the clock runs only while recording is on). */
    .addColumn('duration_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trim_start_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trim_end_ms', 'integer')
    .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('plays', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('stopped_at', 'text')
    .addColumn('processed_at', 'text')
    .execute();
  await db.schema.createIndex('recordings_host').on('recordings').columns(['host_id', 'started_at']).execute();

  await db.schema
    .createTable('recording_tracks')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    /** Where its first packet lies on the recording clock. */
    .addColumn('offset_ms', 'integer', (c) => c.notNull())
    .addColumn('end_ms', 'integer')
    .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('recording_tracks_recording').on('recording_tracks').column('recording_id').execute();

  await db.schema
    .createTable('recording_speech')
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('start_ms', 'integer', (c) => c.notNull())
    .addColumn('end_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recording_speech_recording').on('recording_speech').columns(['recording_id', 'start_ms']).execute();

  await db.schema
    .createTable('replay_hidden')
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('replay_hidden_pk', ['recording_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('clips')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id').onDelete('cascade'))
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('start_ms', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('plays', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'text')
    .execute();
  await db.schema.createIndex('clips_recording').on('clips').column('recording_id').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // pending → running → done | failed (after the last attempt)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_after', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_after']).execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ['jobs', 'clips', 'replay_hidden', 'recording_speech', 'recording_tracks', 'recordings']) await db.schema.dropTable(table).ifExists().execute();
}
