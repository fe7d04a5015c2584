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
}

export interface InstanceSecretsTable {
  name: string;
  value: string;
  created_at: Generated<string>;
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
}
