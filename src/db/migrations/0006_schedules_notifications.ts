// Before the room: scheduled rooms (a room keeps its id when it starts: /r/<id> works before and
// after), speakers invited in advance, reminders; notifications with a durable delivery outbox
// (one row per notification and channel: delivered once, retried, expired), preferences per kind
// and channel, web push subscriptions, and single-use password reset tokens.
import { sql, type Kysely } from 'kysely';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export async function up(db: Kysely<any>) {
  await db.schema
    .createTable('scheduled_rooms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('topics', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('speak_policy', 'text', (c) => c.notNull().defaultTo('anyone'))
    .addColumn('record_intent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('starts_at', 'text', (c) => c.notNull()) // UTC ISO
    /** The zone the host entered the time in (shown back to them when editing). */
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    // scheduled → started | cancelled | missed
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('scheduled'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('scheduled_rooms_upcoming').on('scheduled_rooms').columns(['status', 'starts_at']).execute();
  await db.schema.createIndex('scheduled_rooms_host').on('scheduled_rooms').columns(['host_id', 'starts_at']).execute();

  await db.schema
    .createTable('scheduled_invites')
    .addColumn('room_id', 'text', (c) => c.notNull().references('scheduled_rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // speaker | cohost
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending')) // pending | accepted | declined
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('scheduled_invites_pk', ['room_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('room_reminders')
    .addColumn('room_id', 'text', (c) => c.notNull().references('scheduled_rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('room_reminders_pk', ['room_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull()) // JSON: what the message says and links to
    /** Makes creation idempotent: the same event never notifies the same person twice. */
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('read_at', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('notifications_dedupe', ['user_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('notifications_inbox').on('notifications').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('notification_id', 'integer', (c) => c.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull()) // push | email
    /** Where (a push subscription id, an address): one delivery per target, never twice. */
    .addColumn('target', 'text', (c) => c.notNull())
    // pending → sending → sent | failed | expired
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .addUniqueConstraint('notification_deliveries_once', ['notification_id', 'channel', 'target'])
    .execute();
  await db.schema.createIndex('notification_deliveries_due').on('notification_deliveries').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull()) // inApp | push | email
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'kind', 'channel'])
    .execute();

  await db.schema
    .createTable('push_subscriptions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('device', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('last_success_at', 'text')
    .execute();

  await db.schema
    .createTable('password_resets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ['password_resets', 'push_subscriptions', 'notification_preferences', 'notification_deliveries', 'notifications', 'room_reminders', 'scheduled_invites', 'scheduled_rooms']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
