// Scheduled rooms over HTTP: the form (studio), edit, cancel, start, invitations answered,
// reminders, calendars (.ics per room and per host) and upcoming lists. The room page itself
// (/r/<id> before it starts) is rendered by the room routes with schedule-page.ts.
import { Elysia, t } from 'elysia';
import { scheduleFormPage, reminderButton, upcomingList, upcomingPage } from '../../views/schedule.pages';
import type { AppDeps } from '../app-deps';
import { normalizeHandle } from '../accounts/accounts.model';
import { NotFound } from '../shared/errors';
import { FormInvalid } from '../shared/form-errors';
import { requireViewer } from '../web/guards';
import { formRejected, json, page, redirect, swapsInto } from '../web/respond';
import type { RequestContext } from '../web/request-context';
import { calendarHeaders, roomsCalendar } from './calendar';
import { formView, renderScheduledRoom, summaries, timeText, viewerZone } from './schedule-page';
import { scheduleScriptSource } from './schedule-script';
import type { ScheduleInput } from './schedules.model';
import { utcToLocalInput } from './time-zones';

const text = (max: number) => t.Optional(t.String({ maxLength: max }));
const scheduleBody = t.Object({
  title: text(1000),
  description: text(5000),
  topics: text(1000),
  speakPolicy: text(20),
  recordIntent: text(5),
  startsAt: text(40),
  timeZone: text(64),
  speakers: text(2000),
  cohosts: text(2000),
  _csrf: text(200),
});
const idParams = { params: t.Object({ id: t.String({ maxLength: 40 }) }) };
const handleParams = { params: t.Object({ handle: t.String({ maxLength: 64 }) }) };
const csrfOnly = t.Object({ _csrf: text(200) });

export function scheduleRoutes(deps: Pick<AppDeps, 'config' | 'contexts' | 'schedules' | 'social' | 'users'>) {
  const hostByHandle = async (ctx: RequestContext, raw: string) => {
    const user = await deps.users.byHandle(normalizeHandle(raw));
    if (!user || (user.suspended_at && ctx.viewer?.role !== 'admin')) throw new NotFound(`No one is called @${raw}`);
    if (!(await deps.social.canJoinRoomsOf(user.id, ctx.viewer?.id ?? null))) throw new NotFound(`No one is called @${raw}`);
    return user;
  };
  /** A rejected form: JSON, or the form page again with its errors. */
  const rejected = (ctx: RequestContext, error: FormInvalid, action: string, values: Record<string, string>, editing: boolean, backTo: string) =>
    formRejected(ctx, error, (errors) => scheduleFormPage(ctx, { ...formView(ctx, { action, values, errors, editing }), backTo }));

  return new Elysia({ name: 'schedules' })
    .get('/schedules/schedule.js', () => new Response(scheduleScriptSource, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' } }))
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/studio/schedule', async ({ ctx }) => {
      const viewer = requireViewer(ctx);
      const last = (await deps.schedules.upcomingOfHost(viewer.id)).at(-1)?.time_zone;
      return page(ctx, scheduleFormPage(ctx, { ...formView(ctx, { action: '/studio/schedule', lastZone: last }), backTo: '/studio' }));
    })
    .post(
      '/studio/schedule',
      async ({ ctx, body }) => {
        const viewer = requireViewer(ctx);
        try {
          const schedule = await deps.schedules.create(viewer, body as ScheduleInput);
          if (ctx.wantsJson) return json(ctx, { id: schedule.id, url: `/r/${schedule.id}`, startsAt: schedule.starts_at }, 201);
          return redirect(ctx, `/r/${schedule.id}`);
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          return rejected(ctx, error, '/studio/schedule', body as Record<string, string>, false, '/studio');
        }
      },
      { body: scheduleBody },
    )
    .get(
      '/r/:id/edit',
      async ({ ctx, params }) => {
        const viewer = requireViewer(ctx);
        const schedule = await deps.schedules.visible(params.id, viewer);
        if (schedule.host_id !== viewer.id) throw new NotFound('No such scheduled room of yours');
        const invites = await deps.schedules.invites(schedule.id);
        const handles = (kind: string) => invites.filter((i) => i.kind === kind).map((i) => `@${i.handle}`).join(', ');
        const values = {
          title: schedule.title,
          description: schedule.description,
          topics: schedule.topics.join(', '),
          speakPolicy: schedule.speak_policy,
          recordIntent: schedule.record_intent ? '1' : '',
          startsAt: utcToLocalInput(new Date(schedule.starts_at), schedule.time_zone),
          timeZone: schedule.time_zone,
          speakers: handles('speaker'),
          cohosts: handles('cohost'),
        };
        return page(ctx, scheduleFormPage(ctx, { ...formView(ctx, { action: `/r/${schedule.id}/edit`, values, editing: true }), backTo: `/r/${schedule.id}` }));
      },
      idParams,
    )
    .post(
      '/r/:id/edit',
      async ({ ctx, params, body }) => {
        const viewer = requireViewer(ctx);
        try {
          const schedule = await deps.schedules.update(viewer, params.id, body as ScheduleInput);
          if (ctx.wantsJson) return json(ctx, { id: schedule.id, url: `/r/${schedule.id}`, startsAt: schedule.starts_at });
          return redirect(ctx, `/r/${schedule.id}`);
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          return rejected(ctx, error, `/r/${params.id}/edit`, body as Record<string, string>, true, `/r/${params.id}`);
        }
      },
      { ...idParams, body: scheduleBody },
    )
    .post(
      '/r/:id/cancel',
      async ({ ctx, params }) => {
        const viewer = requireViewer(ctx);
        await deps.schedules.cancel(viewer, params.id);
        return redirect(ctx, ctx.request.headers.get('referer')?.endsWith('/studio') ? '/studio' : `/r/${params.id}`);
      },
      { ...idParams, body: csrfOnly },
    )
    .post(
      '/r/:id/start',
      async ({ ctx, params }) => {
        const viewer = requireViewer(ctx);
        try {
          const room = await deps.schedules.start(viewer, params.id, viewerZone(ctx));
          if (ctx.wantsJson) return json(ctx, { id: room.id, url: `/r/${room.id}` }, 201);
          return redirect(ctx, `/r/${room.id}`);
        } catch (error) {
          if (!(error instanceof FormInvalid) || ctx.wantsJson) throw error;
          return renderScheduledRoom(deps, ctx, params.id, error.errors, 409); // the page, saying from when
        }
      },
      { ...idParams, body: csrfOnly },
    )
    .post(
      '/r/:id/invitation',
      async ({ ctx, params, body }) => {
        const viewer = requireViewer(ctx);
        await deps.schedules.respond(viewer, params.id, body.answer);
        if (ctx.wantsJson) return json(ctx, { ok: true, answer: body.answer });
        return redirect(ctx, `/r/${params.id}#invitation`);
      },
      { ...idParams, body: t.Object({ answer: t.Union([t.Literal('accept'), t.Literal('decline')]), _csrf: text(200) }) },
    )
    .post(
      '/r/:id/remind',
      async ({ ctx, params }) => {
        const viewer = requireViewer(ctx);
        await deps.schedules.setReminder(viewer, params.id, true);
        return reminderAnswer(ctx, params.id, true);
      },
      { ...idParams, body: csrfOnly },
    )
    .post(
      '/r/:id/remind/cancel',
      async ({ ctx, params }) => {
        const viewer = requireViewer(ctx);
        await deps.schedules.setReminder(viewer, params.id, false);
        return reminderAnswer(ctx, params.id, false);
      },
      { ...idParams, body: csrfOnly },
    )
    .get(
      '/r/:id/calendar.ics',
      async ({ ctx, params }) => {
        const schedule = await deps.schedules.visible(params.id, ctx.viewer);
        const host = (await deps.users.byId(schedule.host_id))!;
        const body = roomsCalendar({ name: schedule.title, publicUrl: deps.contexts.expectedOrigin(ctx.request), instanceName: ctx.instanceName, host, rooms: [schedule] });
        return new Response(body, { headers: calendarHeaders(`${schedule.id}.ics`) });
      },
      idParams,
    )
    .get(
      '/@:handle/calendar.ics',
      async ({ ctx, params }) => {
        const host = await hostByHandle(ctx, params.handle);
        const rooms = await deps.schedules.upcomingOfHost(host.id);
        const name = ctx.t('schedule.upcomingOf', { name: host.display_name });
        const body = roomsCalendar({ name, publicUrl: deps.contexts.expectedOrigin(ctx.request), instanceName: ctx.instanceName, host, rooms, feed: true });
        return new Response(body, { headers: calendarHeaders(`${host.handle}.ics`) });
      },
      handleParams,
    )
    .get('/upcoming', async ({ ctx }) => {
      const rooms = await summaries(deps, await deps.schedules.upcomingFor(ctx.viewer));
      if (ctx.wantsJson) return json(ctx, { rooms: rooms.map((r) => ({ id: r.id, title: r.title, startsAt: r.starts_at, host: r.host.handle, url: `/r/${r.id}` })) });
      const view = { rooms, times: timeText(ctx), showHost: true };
      if (swapsInto(ctx, 'home-upcoming')) return page(ctx, upcomingList(ctx, view));
      return page(ctx, upcomingPage(ctx, { ...view, title: ctx.t('schedule.upcoming') }));
    })
    .get(
      '/@:handle/upcoming',
      async ({ ctx, params }) => {
        const host = await hostByHandle(ctx, params.handle);
        const rooms = await summaries(deps, await deps.schedules.upcomingOfHost(host.id));
        if (ctx.wantsJson) return json(ctx, { rooms: rooms.map((r) => ({ id: r.id, title: r.title, startsAt: r.starts_at, url: `/r/${r.id}` })) });
        const view = { rooms, times: timeText(ctx, rooms[0]?.time_zone), showHost: false, calendarUrl: `/@${host.handle}/calendar.ics` };
        if (swapsInto(ctx, 'profile-upcoming')) return page(ctx, upcomingList(ctx, view));
        return page(ctx, upcomingPage(ctx, { ...view, title: ctx.t('schedule.upcomingOf', { name: host.display_name }) }));
      },
      handleParams,
    );
}

/** htmx swaps the reminder button in place; plain forms go back to the room's page. */
function reminderAnswer(ctx: RequestContext, id: string, on: boolean): Response {
  if (ctx.wantsJson) return json(ctx, { ok: true, reminder: on });
  if (swapsInto(ctx, `reminder-${id}`)) return page(ctx, reminderButton(ctx, id, on));
  return redirect(ctx, `/r/${id}`);
}
