// "Your data": everything the server keeps about one person, as one JSON document they download.
// Their own rows only: who follows them is theirs to know (handles are public), who blocked them or
// reported them is not, nor other people's private fields. Secrets (password hash, session tokens,
// reset tokens, push keys) are left out: they are credentials, not information about the person.
import type { Db } from '../db/connection';
import type { User } from '../db/schema';

export const accountDataFormat = 'salon-account-data/1';

export async function exportAccountData(db: Db, user: User, origin: string): Promise<Record<string, unknown>> {
  const id = user.id;
  const person = (handle: string | null) => (handle ? { handle, profile: `${origin}/@${handle}` } : null);
  const [invitedBy, sessions, following, followers, blocks, invites, rooms, attended, recordings, clips, hidden, scheduled, scheduledInvites, reminders, preferences, notifications, devices, reports] = await Promise.all([
    user.invited_by ? db.selectFrom('users').select('handle').where('id', '=', user.invited_by).executeTakeFirst() : undefined,
    db.selectFrom('sessions').select(['created_at', 'last_seen_at', 'expires_at', 'user_agent', 'ip']).where('user_id', '=', id).orderBy('created_at').execute(),
    db.selectFrom('follows').innerJoin('users', 'users.id', 'follows.followee_id').select(['users.handle', 'follows.created_at']).where('follows.follower_id', '=', id).orderBy('follows.created_at').execute(),
    db.selectFrom('follows').innerJoin('users', 'users.id', 'follows.follower_id').select(['users.handle', 'follows.created_at']).where('follows.followee_id', '=', id).orderBy('follows.created_at').execute(),
    db.selectFrom('blocks').innerJoin('users', 'users.id', 'blocks.blocked_id').select(['users.handle', 'blocks.created_at']).where('blocks.blocker_id', '=', id).orderBy('blocks.created_at').execute(),
    db.selectFrom('invites').selectAll().where('created_by', '=', id).orderBy('created_at').execute(),
    db.selectFrom('rooms').selectAll().where('host_id', '=', id).orderBy('created_at').execute(),
    db.selectFrom('room_participants').innerJoin('rooms', 'rooms.id', 'room_participants.room_id').select(['rooms.id', 'rooms.title', 'room_participants.top_role', 'room_participants.joined_at', 'room_participants.left_at']).where('room_participants.user_id', '=', id).orderBy('room_participants.joined_at').execute(),
    db.selectFrom('recordings').selectAll().where('host_id', '=', id).orderBy('started_at').execute(),
    db.selectFrom('clips').innerJoin('recordings', 'recordings.id', 'clips.recording_id').select(['clips.id', 'clips.title', 'clips.start_ms', 'clips.duration_ms', 'clips.plays', 'clips.created_at', 'clips.expires_at', 'recordings.room_id', 'recordings.title as replay_title']).where('clips.created_by', '=', id).orderBy('clips.created_at').execute(),
    db.selectFrom('replay_hidden').innerJoin('recordings', 'recordings.id', 'replay_hidden.recording_id').select(['recordings.room_id', 'recordings.title']).where('replay_hidden.user_id', '=', id).execute(),
    db.selectFrom('scheduled_rooms').selectAll().where('host_id', '=', id).orderBy('starts_at').execute(),
    db.selectFrom('scheduled_invites').innerJoin('scheduled_rooms', 'scheduled_rooms.id', 'scheduled_invites.room_id').select(['scheduled_rooms.id', 'scheduled_rooms.title', 'scheduled_rooms.starts_at', 'scheduled_invites.kind', 'scheduled_invites.status', 'scheduled_invites.created_at']).where('scheduled_invites.user_id', '=', id).execute(),
    db.selectFrom('room_reminders').innerJoin('scheduled_rooms', 'scheduled_rooms.id', 'room_reminders.room_id').select(['scheduled_rooms.id', 'scheduled_rooms.title', 'scheduled_rooms.starts_at', 'room_reminders.created_at']).where('room_reminders.user_id', '=', id).execute(),
    db.selectFrom('notification_preferences').select(['kind', 'channel', 'enabled']).where('user_id', '=', id).orderBy('kind').orderBy('channel').execute(),
    db.selectFrom('notifications').select(['kind', 'payload', 'created_at', 'read_at']).where('user_id', '=', id).orderBy('created_at').execute(),
    db.selectFrom('push_subscriptions').select(['device', 'created_at', 'last_success_at']).where('user_id', '=', id).orderBy('created_at').execute(),
    db.selectFrom('reports').select(['id', 'room_id', 'reason', 'status', 'created_at', 'decision', 'handled_at']).where('reporter_id', '=', id).orderBy('created_at').execute(),
  ]);
  const roomLink = (roomId: string) => `${origin}/r/${roomId}`;
  return {
    format: accountDataFormat,
    exportedAt: new Date().toISOString(),
    instance: origin,
    profile: {
      id,
      handle: user.handle,
      email: user.email,
      displayName: user.display_name,
      bio: user.bio,
      language: user.language,
      role: user.role,
      hostingGranted: !!user.hosting_granted,
      suspendedAt: user.suspended_at,
      createdAt: user.created_at,
      avatar: user.avatar_file ? `${origin}/avatars/${user.avatar_file}` : null,
      invitedBy: person(invitedBy?.handle ?? null),
      inviteCode: user.invite_code,
      link: `${origin}/@${user.handle}`,
    },
    sessions: sessions.map((s) => ({ createdAt: s.created_at, lastSeenAt: s.last_seen_at, expiresAt: s.expires_at, userAgent: s.user_agent, ip: s.ip })),
    following: following.map((f) => ({ ...person(f.handle), since: f.created_at })),
    followers: followers.map((f) => ({ ...person(f.handle), since: f.created_at })),
    blocked: blocks.map((b) => ({ ...person(b.handle), since: b.created_at })),
    invitesCreated: invites.map((i) => ({ code: i.code, uses: i.uses, maxUses: i.max_uses, revokedAt: i.revoked_at, createdAt: i.created_at })),
    roomsHosted: rooms.map((r) => ({
      id: r.id,
      title: r.title,
      topics: parseJson(r.topics, []),
      status: r.status,
      createdAt: r.created_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      endReason: r.end_reason,
      peakListeners: r.peak_listeners,
      link: roomLink(r.id),
    })),
    roomsJoined: attended.map((a) => ({ roomId: a.id, title: a.title, role: a.top_role, joinedAt: a.joined_at, leftAt: a.left_at, link: roomLink(a.id) })),
    replaysHosted: recordings.map((r) => ({
      roomId: r.room_id,
      title: r.title,
      description: r.description,
      status: r.status,
      visibility: r.visibility,
      downloadsAllowed: !!r.downloads_allowed,
      clipPolicy: r.clip_policy,
      durationMs: r.duration_ms,
      plays: r.plays,
      startedAt: r.started_at,
      stoppedAt: r.stopped_at,
      link: `${origin}/r/${r.room_id}/replay`,
      audio: r.status === 'ready' ? `${origin}/r/${r.room_id}/replay.opus?download=1` : null,
    })),
    clipsMade: clips.map((c) => ({
      id: c.id,
      title: c.title,
      fromReplay: { roomId: c.room_id, title: c.replay_title, link: `${origin}/r/${c.room_id}/replay` },
      startMs: c.start_ms,
      durationMs: c.duration_ms,
      plays: c.plays,
      createdAt: c.created_at,
      expiresAt: c.expires_at,
      link: `${origin}/c/${c.id}`,
      audio: `${origin}/c/${c.id}/audio`,
    })),
    replaysHiddenFromProfile: hidden.map((h) => ({ roomId: h.room_id, title: h.title })),
    scheduledRooms: scheduled.map((s) => ({
      id: s.id,
      title: s.title,
      description: s.description,
      topics: parseJson(s.topics, []),
      startsAt: s.starts_at,
      timeZone: s.time_zone,
      status: s.status,
      createdAt: s.created_at,
      link: roomLink(s.id),
    })),
    scheduledInvitations: scheduledInvites.map((i) => ({ roomId: i.id, title: i.title, startsAt: i.starts_at, as: i.kind, status: i.status, invitedAt: i.created_at })),
    reminders: reminders.map((r) => ({ roomId: r.id, title: r.title, startsAt: r.starts_at, setAt: r.created_at })),
    notificationPreferences: preferences.map((p) => ({ kind: p.kind, channel: p.channel, enabled: !!p.enabled })),
    notifications: notifications.map((n) => ({ kind: n.kind, data: parseJson(n.payload, null), createdAt: n.created_at, readAt: n.read_at })),
    pushDevices: devices.map((d) => ({ device: d.device, createdAt: d.created_at, lastSuccessAt: d.last_success_at })),
    reportsFiled: reports.map((r) => ({ id: r.id, roomId: r.room_id, reason: r.reason, status: r.status, decision: r.decision, createdAt: r.created_at, handledAt: r.handled_at })),
  };
}

function parseJson(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
