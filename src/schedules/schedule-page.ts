// Rendering helpers the room routes share: the scheduled room's page (/r/<id> before it starts)
// and the studio's scheduled section. Times are in the viewer's zone: the cookie the page script
// sets, else the zone the host entered.
import type { AppDeps } from '../app-deps';
import type { User } from '../db/schema';
import type { FieldError } from '../shared/form-errors';
import { parseCookies } from '../web/cookies';
import type { RequestContext } from '../web/request-context';
import { json, page } from '../web/respond';
import { scheduledRoomPage, studioSchedules, type ScheduleFormView, type ScheduleSummary, type TimeText } from '../../views/schedule.pages';
import { earlyStartMs, type Schedule } from './schedules.model';
import { scheduledPageShare } from '../sharing/share-pages';
import { durationParts, formatDateTime, formatShort, formatTime, isTimeZone, timeZoneCookie, timeZones } from './time-zones';

/** The viewer's zone from the cookie the page script sets, else `fallback`. */
export function viewerZone(ctx: RequestContext): string | undefined {
  const zone = parseCookies(ctx.request.headers.get('cookie'))[timeZoneCookie];
  return isTimeZone(zone) ? zone : undefined;
}

export function timeText(ctx: RequestContext, fallbackZone = 'UTC', now = new Date()): TimeText {
  const zone = viewerZone(ctx) ?? fallbackZone;
  return {
    zone,
    full: (iso) => formatDateTime(new Date(iso), zone, ctx.lang),
    short: (iso) => formatShort(new Date(iso), zone, ctx.lang),
    time: (iso) => formatTime(new Date(iso), zone, ctx.lang),
    countdown: (iso) => {
      const ms = Date.parse(iso) - now.getTime();
      if (ms <= 0) return ctx.t('schedule.startingNow');
      const { days, hours, minutes } = durationParts(ms);
      const parts = [days && `${days} ${ctx.t('schedule.unit.day')}`, (days || hours) && `${hours} ${ctx.t('schedule.unit.hour')}`, `${minutes} ${ctx.t('schedule.unit.minute')}`].filter(Boolean);
      return ctx.t('schedule.startsIn', { time: parts.join(' ') });
    },
  };
}

export async function summaries(deps: Pick<AppDeps, 'users'>, rooms: Schedule[]): Promise<ScheduleSummary[]> {
  const hosts = await deps.users.byIds([...new Set(rooms.map((r) => r.host_id))]);
  return rooms.flatMap((r) => {
    const host = hosts.get(r.host_id);
    return host ? [{ ...r, host }] : [];
  });
}

/** The scheduled room's page, or its JSON. 404 (thrown) for unknown ids and for people the host blocked. */
export async function renderScheduledRoom(deps: Pick<AppDeps, 'schedules' | 'users' | 'contexts'>, ctx: RequestContext, id: string, errors: FieldError[] = [], status = 200): Promise<Response> {
  const schedule = await deps.schedules.visible(id, ctx.viewer);
  const [room] = await summaries(deps, [schedule]);
  const isHost = ctx.viewer?.id === schedule.host_id;
  const invites = await deps.schedules.invites(id);
  const mine = ctx.viewer ? invites.find((i) => i.user_id === ctx.viewer!.id) : undefined;
  const speakers = invites.filter((i) => isHost || i.status === 'accepted');
  if (ctx.wantsJson && status === 200) {
    return json(ctx, {
      id,
      title: schedule.title,
      status: schedule.status,
      startsAt: schedule.starts_at,
      timeZone: schedule.time_zone,
      host: room!.host.handle,
      speakers: speakers.map((s) => ({ handle: s.handle, kind: s.kind, status: s.status })),
      invitation: mine ? { kind: mine.kind, status: mine.status } : null,
    });
  }
  const now = deps.schedules.now();
  const opensAt = Date.parse(schedule.starts_at) - earlyStartMs;
  return page(
    ctx,
    scheduledRoomPage(ctx, {
      room: room!,
      times: timeText(ctx, schedule.time_zone, now),
      speakers,
      isHost,
      invitation: mine ? { kind: mine.kind, status: mine.status } : null,
      reminder: ctx.viewer ? await deps.schedules.hasReminder(id, ctx.viewer.id) : false,
      reminderCount: isHost ? await deps.schedules.reminderCount(id) : 0,
      shareUrl: `${deps.contexts.expectedOrigin(ctx.request).replace(/\/+$/, '')}/r/${id}`,
      share: scheduledPageShare(ctx, deps.contexts.expectedOrigin(ctx.request), schedule, room!.host, speakers, timeText(ctx, schedule.time_zone, now).full),
      startOpensAt: now.getTime() < opensAt ? new Date(opensAt).toISOString() : null,
      errors,
    }),
    status,
  );
}

/** What the schedule form starts with: the zone from the cookie, else the host's last one, else a guess the script fixes. */
export function formView(ctx: RequestContext, opts: { action: string; values?: Record<string, string>; errors?: FieldError[]; editing?: boolean; lastZone?: string }): ScheduleFormView {
  const values = { ...(opts.values ?? {}) };
  const chosen = values.timeZone ?? viewerZone(ctx) ?? opts.lastZone;
  values.timeZone = chosen ?? 'UTC';
  return {
    action: opts.action,
    values,
    errors: opts.errors ?? [],
    zones: timeZones,
    zoneGuessed: !chosen,
    recordingAllowed: ctx.settings.recordingAllowed !== 'no',
    editing: !!opts.editing,
  };
}

/** The studio's section: my upcoming rooms and, for those allowed to host, the way to schedule one. */
export async function studioScheduleSection(deps: Pick<AppDeps, 'schedules' | 'users'>, ctx: RequestContext, viewer: User, canHost: boolean) {
  const rooms = await deps.schedules.upcomingOfHost(viewer.id);
  const now = deps.schedules.now().getTime();
  const startable = new Set(rooms.filter((r) => now >= Date.parse(r.starts_at) - earlyStartMs).map((r) => r.id));
  return studioSchedules(ctx, {
    rooms: await summaries(deps, rooms),
    times: timeText(ctx, rooms[0]?.time_zone),
    canSchedule: canHost,
    startable,
  });
}
