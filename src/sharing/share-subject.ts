// What a shared link points at, as this viewer may see it: a live room, a replay, an ended room,
// a scheduled room or a clip. The page routes build one from what they already loaded; the card,
// oEmbed and embed routes resolve one here, with the same visibility rules as the pages.
import type { AppDeps } from '../app-deps';
import type { Recording, Room, User } from '../db/schema';
import type { ClipDetails } from '../recording/clips/clips.repository';
import type { Schedule } from '../schedules/schedules.model';
import { NotFound } from '../shared/errors';

export type Person = Pick<User, 'handle' | 'display_name' | 'avatar_file'>;

export type ShareSubject =
  | { kind: 'live'; room: Room; host: Person; speakers: string[]; listenerCount: number }
  | { kind: 'replay'; room: Room; host: Person; recording: Recording; speakers: string[]; durationMs: number }
  | { kind: 'ended'; room: Room; host: Person }
  | { kind: 'scheduled'; schedule: Schedule; host: Person; speakers: string[] }
  | { kind: 'clip'; clip: ClipDetails; host: Person };

export const roomIdPattern = /^[a-z0-9]{4,20}$/;
export const clipIdPattern = /^[A-Za-z0-9_-]{4,40}$/;

export type SubjectDeps = Pick<AppDeps, 'rooms' | 'live' | 'replays' | 'schedules' | 'users' | 'clips'>;

/** The room (live, replay, ended) or scheduled room behind /r/<id>, or "not found" (blocked people included). */
export async function roomSubject(deps: SubjectDeps, viewer: User | null, id: string): Promise<ShareSubject> {
  if (!roomIdPattern.test(id)) throw new NotFound('No such room');
  const room = await deps.rooms.find(id);
  if (!room) {
    if (!(await deps.schedules.find(id))) throw new NotFound('No such room');
    const schedule = await deps.schedules.visible(id, viewer);
    const host = await deps.users.byId(schedule.host_id);
    if (!host) throw new NotFound('No such room');
    const invites = await deps.schedules.invites(id);
    return { kind: 'scheduled', schedule, host, speakers: invites.filter((i) => i.status === 'accepted').map((i) => i.display_name) };
  }
  if (await deps.rooms.hiddenFrom(room, viewer, null)) throw new NotFound('No such room');
  const host = (await deps.users.byId(room.host_id))!;
  const live = deps.live.get(room.id);
  if (live) {
    const stage = live.state.stage().map((p) => live.state.view(p));
    return { kind: 'live', room, host, speakers: stage.filter((p) => p.role !== 'host').map((p) => p.name), listenerCount: live.state.listenerCount() };
  }
  const access = await deps.replays.access(room.id, viewer);
  if (access && access.recording.status === 'ready') {
    const details = await deps.replays.details(access, viewer);
    return { kind: 'replay', room, host, recording: access.recording, speakers: details.speakers.filter((s) => s.userId !== room.host_id).map((s) => s.name), durationMs: details.durationMs };
  }
  return { kind: 'ended', room, host };
}

/** A clip this viewer may hear (its replay's visibility), or "not found". */
export async function clipSubject(deps: SubjectDeps, viewer: User | null, id: string): Promise<ShareSubject> {
  if (!clipIdPattern.test(id)) throw new NotFound('No such clip');
  const clip = await deps.clips.require(id, viewer);
  return { kind: 'clip', clip, host: { handle: clip.host_handle, display_name: clip.host_name, avatar_file: (await deps.users.byId(clip.host_id))?.avatar_file ?? null } };
}

export function subjectTitle(s: ShareSubject): string {
  switch (s.kind) {
    case 'clip':
      return s.clip.title;
    case 'scheduled':
      return s.schedule.title;
    case 'replay':
      return s.recording.title;
    default:
      return s.room.title;
  }
}

export function subjectPath(s: ShareSubject): string {
  if (s.kind === 'clip') return `/c/${s.clip.id}`;
  return `/r/${s.kind === 'scheduled' ? s.schedule.id : s.room.id}`;
}
