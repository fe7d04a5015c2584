// Builds the replay page's view model (times formatted here: views import types only).
import { replayPage, type ReplayView } from '../../../views/replay.page';
import type { AppDeps } from '../../app-deps';
import type { Room, User } from '../../db/schema';
import type { SafeHtml } from '../../shared/html';
import type { FieldError } from '../../shared/form-errors';
import type { RequestContext } from '../../web/request-context';
import { page } from '../../web/respond';
import { clipLengthMs } from '../clips/clips.service';
import type { ReplayAccess } from './replays.service';
import { formatClock, formatShareTime, parseShareTime } from './replay-time';
import { replayPageHead } from '../../sharing/share-pages';

type ReplayPageInput = { room: Room; host: User; access: ReplayAccess; values?: Record<string, string>; errors?: FieldError[] };

export async function renderReplay(deps: Pick<AppDeps, 'replays' | 'clips' | 'contexts'>, ctx: RequestContext, input: ReplayPageInput): Promise<Response> {
  return page(ctx, await replayHtml(deps, ctx, input));
}

export async function replayHtml(deps: Pick<AppDeps, 'replays' | 'clips' | 'contexts'>, ctx: RequestContext, input: ReplayPageInput): Promise<SafeHtml> {
  const { room, host, access } = input;
  const { recording } = access;
  const details = await deps.replays.details(access, ctx.viewer);
  const t = parseShareTime(ctx.url.searchParams.get('t'));
  const startMs = t !== null && t < details.durationMs ? t : 0;
  const canClip = recording.status === 'ready' && (await deps.clips.mayClip(ctx.viewer, recording));
  const when = new Date(room.started_at ?? recording.started_at);
  const view: ReplayView = {
    room,
    host,
    recording,
    canManage: access.canManage,
    isSpeaker: access.isSpeaker,
    hiddenByViewer: details.hiddenByViewer,
    speakers: details.speakers,
    chapters: details.chapters.map((c) => ({ name: c.name, startMs: c.startMs, startLabel: formatClock(c.startMs), durationLabel: formatClock(c.endMs - c.startMs), shareT: formatShareTime(c.startMs) })),
    durationMs: details.durationMs,
    durationLabel: formatClock(details.durationMs),
    dateLabel: new Intl.DateTimeFormat(ctx.lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(when) + ' UTC',
    startMs,
    // Without JavaScript the player's position is unknown: the 30 s from where it starts (the start, or ?t=).
    clipAtMs: canClip ? Math.min(startMs + clipLengthMs, details.durationMs) : null,
    values: input.values ?? {},
    errors: input.errors ?? [],
    trimStartValue: recording.trim_start_ms ? formatClock(recording.trim_start_ms) : '',
    trimEndValue: recording.trim_end_ms !== null ? formatClock(recording.trim_end_ms) : '',
    shareHead: replayPageHead(ctx, deps.contexts.expectedOrigin(ctx.request), { room, host, recording, speakers: details.speakers, durationMs: details.durationMs }),
  };
  return replayPage(ctx, view);
}
