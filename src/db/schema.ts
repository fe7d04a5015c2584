// Table shapes as Kysely sees them. Each migration that adds a table adds its interface here.
import type { Generated, Selectable } from 'kysely';

export interface SettingsTable {
  key: string;
  value: string; // JSON-encoded
  updated_at: Generated<string>;
}

export interface UsersTable {
  id: Generated<number>;
  handle: string;
  email: string;
  password_hash: string;
  display_name: string;
  bio: Generated<string>;
  avatar_file: string | null;
  language: string | null;
  role: Generated<'member' | 'admin'>;
  hosting_granted: Generated<number>;
  suspended_at: string | null;
  invited_by: number | null;
  invite_code: string | null;
  created_at: Generated<string>;
}
export type User = Selectable<UsersTable>;

export interface SessionsTable {
  id: string;
  user_id: number;
  user_agent: Generated<string>;
  ip: Generated<string>;
  created_at: Generated<string>;
  last_seen_at: Generated<string>;
  expires_at: string;
}

export interface FollowsTable {
  follower_id: number;
  followee_id: number;
  created_at: Generated<string>;
}

export interface BlocksTable {
  blocker_id: number;
  blocked_id: number;
  created_at: Generated<string>;
}

export interface InvitesTable {
  code: string;
  created_by: number | null;
  max_uses: number | null;
  uses: Generated<number>;
  revoked_at: string | null;
  created_at: Generated<string>;
}
export type Invite = Selectable<InvitesTable>;

export interface RoomsTable {
  id: string;
  host_id: number;
  title: string;
  topics: Generated<string>;
  speak_policy: Generated<'anyone' | 'invited'>;
  record_intent: Generated<number>;
  status: Generated<'live' | 'ended'>;
  end_reason: string | null;
  peak_listeners: Generated<number>;
  created_at: Generated<string>;
  started_at: string | null;
  ended_at: string | null;
}
/** A room as the code sees it: `topics` is parsed once, in rooms.repository.ts (stored as a JSON array). */
export type Room = Omit<Selectable<RoomsTable>, 'topics'> & { topics: string[] };

export interface RoomParticipantsTable {
  id: Generated<number>;
  room_id: string;
  user_id: number | null;
  anonymous_id: string | null;
  top_role: string;
  joined_at: Generated<string>;
  left_at: string | null;
}

export interface RoomRemovalsTable {
  room_id: string;
  participant_key: string;
  removed_by: number | null;
  created_at: Generated<string>;
}

export interface ReportsTable {
  id: Generated<number>;
  reporter_id: number | null;
  room_id: string | null;
  target_user_id: number | null;
  reason: string;
  status: Generated<string>;
  created_at: Generated<string>;
  target_participant: string | null;
  stage_snapshot: string | null;
  evidence_file: string | null;
  evidence_expires_at: string | null;
  handled_by: number | null;
  handled_at: string | null;
  decision: string | null;
  decision_note: string | null;
}
export type Report = Selectable<ReportsTable>;

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<string>;
  actor_id: number | null;
  actor_name: string;
  actor_role: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  room_id: string | null;
  previous: string | null;
  details: string | null;
}
export type AuditEntry = Selectable<AuditLogTable>;

export interface RoomStatsTable {
  room_id: string;
  reactions: Generated<number>;
  hand_raises: Generated<number>;
  updated_at: Generated<string>;
}

export interface RoomListenerSamplesTable {
  room_id: string;
  at: string;
  listeners: number;
  speakers: number;
}

export interface RoomTalkTimeTable {
  room_id: string;
  participant_id: string;
  user_id: number | null;
  name: string;
  talk_ms: Generated<number>;
}

export interface InstanceSecretsTable {
  name: string;
  value: string;
  created_at: Generated<string>;
}

export type RecordingStatus = 'recording' | 'processing' | 'ready' | 'failed' | 'empty';
export type ReplayVisibility = 'public' | 'unlisted' | 'private';
export type ClipPolicy = 'anyone' | 'hosts' | 'off';

export interface RecordingsTable {
  id: string;
  room_id: string;
  host_id: number;
  title: string;
  description: Generated<string>;
  status: Generated<RecordingStatus>;
  visibility: Generated<ReplayVisibility>;
  downloads_allowed: Generated<number>;
  clip_policy: Generated<ClipPolicy>;
  duration_ms: Generated<number>;
  trim_start_ms: Generated<number>;
  trim_end_ms: number | null;
  bytes: Generated<number>;
  plays: Generated<number>;
  error: string | null;
  started_at: Generated<string>;
  stopped_at: string | null;
  processed_at: string | null;
}
export type Recording = Selectable<RecordingsTable>;

export interface RecordingTracksTable {
  id: Generated<number>;
  recording_id: string;
  participant_id: string;
  user_id: number | null;
  name: string;
  file: string;
  offset_ms: number;
  end_ms: number | null;
  bytes: Generated<number>;
}
export type RecordingTrack = Selectable<RecordingTracksTable>;

export interface RecordingSpeechTable {
  recording_id: string;
  participant_id: string;
  user_id: number | null;
  name: string;
  start_ms: number;
  end_ms: number;
}
export type RecordingSpeech = Selectable<RecordingSpeechTable>;

export interface ReplayHiddenTable {
  recording_id: string;
  user_id: number;
}

export interface ClipsTable {
  id: string;
  recording_id: string;
  created_by: number;
  title: Generated<string>;
  start_ms: number;
  duration_ms: number;
  file: string;
  bytes: Generated<number>;
  plays: Generated<number>;
  created_at: Generated<string>;
  expires_at: string | null;
}
export type Clip = Selectable<ClipsTable>;

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: string;
  status: Generated<'pending' | 'running' | 'done' | 'failed'>;
  attempts: Generated<number>;
  run_after: Generated<string>;
  last_error: string | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}
export type Job = Selectable<JobsTable>;

export type ScheduledRoomStatus = 'scheduled' | 'started' | 'cancelled' | 'missed';

export interface ScheduledRoomsTable {
  id: string;
  host_id: number;
  title: string;
  description: Generated<string>;
  topics: Generated<string>; // JSON array
  speak_policy: Generated<'anyone' | 'invited'>;
  record_intent: Generated<number>;
  starts_at: string;
  time_zone: Generated<string>;
  status: Generated<ScheduledRoomStatus>;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}
export type ScheduledRoom = Selectable<ScheduledRoomsTable>;

export interface ScheduledInvitesTable {
  room_id: string;
  user_id: number;
  kind: 'speaker' | 'cohost';
  status: Generated<'pending' | 'accepted' | 'declined'>;
  created_at: Generated<string>;
}

export interface RoomRemindersTable {
  room_id: string;
  user_id: number;
  created_at: Generated<string>;
}

export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  payload: string;
  dedupe_key: string;
  created_at: Generated<string>;
  read_at: string | null;
  expires_at: string;
}
export type NotificationRow = Selectable<NotificationsTable>;

export interface NotificationDeliveriesTable {
  id: Generated<number>;
  notification_id: number;
  channel: string;
  target: string;
  status: Generated<'pending' | 'sending' | 'sent' | 'failed' | 'expired'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<string>;
  last_error: string | null;
  sent_at: string | null;
}
export type NotificationDelivery = Selectable<NotificationDeliveriesTable>;

export interface NotificationPreferencesTable {
  user_id: number;
  kind: string;
  channel: string;
  enabled: number;
}

export interface PushSubscriptionsTable {
  id: Generated<number>;
  user_id: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  device: Generated<string>;
  created_at: Generated<string>;
  last_success_at: string | null;
}
export type PushSubscription = Selectable<PushSubscriptionsTable>;

export interface PasswordResetsTable {
  token_hash: string;
  user_id: number;
  created_at: Generated<string>;
  expires_at: string;
  used_at: string | null;
}

export interface DatabaseSchema {
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  follows: FollowsTable;
  blocks: BlocksTable;
  invites: InvitesTable;
  rooms: RoomsTable;
  room_participants: RoomParticipantsTable;
  room_removals: RoomRemovalsTable;
  reports: ReportsTable;
  instance_secrets: InstanceSecretsTable;
  recordings: RecordingsTable;
  recording_tracks: RecordingTracksTable;
  recording_speech: RecordingSpeechTable;
  replay_hidden: ReplayHiddenTable;
  clips: ClipsTable;
  jobs: JobsTable;
  scheduled_rooms: ScheduledRoomsTable;
  scheduled_invites: ScheduledInvitesTable;
  room_reminders: RoomRemindersTable;
  notifications: NotificationsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notification_preferences: NotificationPreferencesTable;
  push_subscriptions: PushSubscriptionsTable;
  password_resets: PasswordResetsTable;
  audit_log: AuditLogTable;
  room_stats: RoomStatsTable;
  room_listener_samples: RoomListenerSamplesTable;
  room_talk_time: RoomTalkTimeTable;
}
