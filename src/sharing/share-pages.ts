// The share bits of each page kind, built from what its route already loaded (no extra queries).
import type { Recording, Room, User } from '../db/schema';
import type { ClipDetails } from '../recording/clips/clips.repository';
import type { PublicParticipant } from '../rooms/live/room.model';
import type { Schedule } from '../schedules/schedules.model';
import type { SafeHtml } from '../shared/html';
import type { RequestContext } from '../web/request-context';
import { shareContextOf } from './share-context';
import { profileHead, shareBits, type ShareBits } from './share-meta';
import type { Person } from './share-subject';

const script = (ctx: RequestContext) => ctx.asset('share.js');

export function roomPageShare(ctx: RequestContext, origin: string, room: Room, host: User, live: { stage: PublicParticipant[]; listenerCount: number } | null): ShareBits {
  const subject = live
    ? { kind: 'live' as const, room, host, speakers: live.stage.filter((p) => p.role !== 'host').map((p) => p.name), listenerCount: live.listenerCount }
    : { kind: 'ended' as const, room, host };
  return shareBits(shareContextOf(ctx, origin), subject, script(ctx));
}

export function replayPageHead(ctx: RequestContext, origin: string, input: { room: Room; host: User; recording: Recording; speakers: { name: string; userId: number | null }[]; durationMs: number }): SafeHtml {
  const speakers = input.speakers.filter((s) => s.userId !== input.host.id).map((s) => s.name);
  return shareBits(shareContextOf(ctx, origin), { kind: 'replay', ...input, speakers }, script(ctx)).head;
}

export function clipPageShare(ctx: RequestContext, origin: string, clip: ClipDetails): ShareBits {
  return shareBits(shareContextOf(ctx, origin), { kind: 'clip', clip, host: { handle: clip.host_handle, display_name: clip.host_name, avatar_file: null } }, script(ctx));
}

export function scheduledPageShare(ctx: RequestContext, origin: string, schedule: Schedule, host: Person, speakers: { display_name: string; status: string }[], formatTime: (iso: string) => string): ShareBits {
  const names = speakers.filter((s) => s.status === 'accepted').map((s) => s.display_name);
  return shareBits(shareContextOf(ctx, origin, formatTime), { kind: 'scheduled', schedule, host, speakers: names }, script(ctx));
}

export function profilePageHead(ctx: RequestContext, origin: string, user: Person): SafeHtml {
  return profileHead(shareContextOf(ctx, origin), user);
}
