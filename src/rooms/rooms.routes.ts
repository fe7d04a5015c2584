// Room pages and forms: /r/<id>, the studio, ending and reporting. The realtime side is
// in realtime/room-socket.routes.ts.
import { Elysia, t } from 'elysia';
import { roomPage } from '../../views/room.page';
import { studioPage } from '../../views/studio.page';
import type { AppDeps } from '../app-deps';
import type { MessageKey } from '../i18n/messages.en';
import { parseCookies, serializeCookie } from '../web/cookies';
import { Forbidden, NotFound } from '../shared/errors';
import { FormInvalid, type FieldError } from '../shared/form-errors';
import { requireViewer } from '../web/guards';
import { formRejected, json, page, redirect } from '../web/respond';
import type { RequestContext } from '../web/request-context';
import { anonymousCookie, type BrowserIdentity } from './anonymous-listener';
import { randomToken } from '../shared/random';
import { errorCodes } from './live/protocol';
import { reactionEmojis, RoomError } from './live/room.model';
import { requireAdmin } from '../web/guards';
import { renderReplay } from '../recording/replay/replay-page';
import { renderScheduledRoom, studioScheduleSection } from '../schedules/schedule-page';
import { roomPageShare } from '../sharing/share-pages';

const refusalKeys: Partial<Record<RoomError['code'], MessageKey>> = {
  removed: 'room.refused.removed',
  forbidden: 'room.refused.forbidden',
  signInRequired: 'room.refused.signIn',
  roomFull: 'room.refused.full',
};
const roomIdPattern = /^[a-z0-9]{4,20}$/;
const idParams = { params: t.Object({ id: t.String({ pattern: roomIdPattern.source }) }) };
/** Pages behind links take any id: a dead or mistyped room link gets the friendly 404, not a 400. */
const linkParams = { params: t.Object({ id: t.String() }) };
const browserCookieSeconds = 400 * 24 * 3600; // browsers cap cookies at 400 days

/**
 * The browser's signed identity from its cookie, made (within the per-address hourly limit for
 * anonymous visitors) or re-bound to the account now signed in. Null when the limit refuses one.
 */
function identifyBrowser(deps: Pick<AppDeps, 'anonymous' | 'limiter'>, ctx: RequestContext): BrowserIdentity | null {
  let browser = deps.anonymous.verify(parseCookies(ctx.request.headers.get('cookie'))[anonymousCookie]);
  const userId = ctx.viewer?.id ?? null;
  if (browser && (userId === null || browser.userId === userId)) return browser;
  if (!browser) {
    const limit = ctx.settings.anonymousListenersPerIpPerHour;
    if (!ctx.viewer && limit > 0 && !deps.limiter.hit(`anonymous-ip:${ctx.ip}`, limit, 3600_000).allowed) return null;
    browser = { anonymousId: randomToken(12), userId };
  } else browser = { ...browser, userId };
  ctx.setCookies.push(serializeCookie(anonymousCookie, deps.anonymous.issue(browser), { secure: ctx.secureCookies, maxAgeSeconds: browserCookieSeconds }));
  return browser;
}

export function roomRoutes(deps: Pick<AppDeps, 'anonymous' | 'clips' | 'config' | 'contexts' | 'hosting' | 'limiter' | 'live' | 'replays' | 'rooms' | 'schedules' | 'users'>) {
  const studio = async (ctx: RequestContext, values: Record<string, string> = {}, errors: FieldError[] = []) => {
    const viewer = requireViewer(ctx);
    const rooms = (await deps.rooms.roomsOfHost(viewer.id)).map((r) => ({ ...r, listenerCount: deps.live.get(r.id)?.listenerCount() }));
    const hosting = await deps.hosting.eligibility(viewer);
    const scheduled = await studioScheduleSection(deps, ctx, viewer, hosting.allowed);
    return studioPage(ctx, { hosting, rooms, values, errors, recordingAllowed: ctx.settings.recordingAllowed !== 'no', scheduled });
  };

  return new Elysia({ name: 'rooms' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/studio', async ({ ctx }) => page(ctx, await studio(ctx)))
    .post(
      '/studio/rooms',
      async ({ ctx, body }) => {
        const viewer = requireViewer(ctx);
        try {
          const room = await deps.rooms.createAndStart(viewer, body);
          if (ctx.wantsJson) return json(ctx, { id: room.id, url: `/r/${room.id}` }, 201);
          return redirect(ctx, `/r/${room.id}`);
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          const html = await studio(ctx, body as Record<string, string>, error.errors);
          return formRejected(ctx, error, () => html);
        }
      },
      {
        body: t.Object({
          title: t.Optional(t.String({ maxLength: 1000 })),
          topics: t.Optional(t.String({ maxLength: 1000 })),
          speakPolicy: t.Optional(t.String({ maxLength: 20 })),
          recordIntent: t.Optional(t.String({ maxLength: 5 })),
          _csrf: t.Optional(t.String({ maxLength: 200 })),
        }),
      },
    )
    .get(
      '/r/:id',
      async ({ ctx, params, query }) => {
        const room = roomIdPattern.test(params.id) ? await deps.rooms.find(params.id) : undefined;
        // Not live yet (or cancelled, missed): the scheduled room's page, same address.
        if (!room && roomIdPattern.test(params.id) && (await deps.schedules.find(params.id))) return renderScheduledRoom(deps, ctx, params.id);
        if (!room) throw new NotFound('No such room');
        const host = (await deps.users.byId(room.host_id))!;
        const live = deps.live.get(room.id);
        const browser = identifyBrowser(deps, ctx);
        // Blocks are private and hide the room entirely from the blocked person, live or ended.
        if (await deps.rooms.hiddenFrom(room, ctx.viewer, browser)) throw new NotFound('No such room');
        let refusal: string | undefined;
        if (live && !browser && !ctx.viewer) refusal = ctx.t('room.refused.tooManyAnonymous');
        else if (live) {
          try {
            await deps.rooms.admit(room.id, ctx.viewer, browser);
          } catch (error) {
            if (!(error instanceof RoomError)) throw error;
            const key = refusalKeys[error.code];
            refusal = key ? ctx.t(key) : error.message;
          }
        }
        const summary = live ? { stage: live.state.stage().map((p) => live.state.view(p)), listenerCount: live.listenerCount() } : null;
        if (ctx.wantsJson) return json(ctx, { id: room.id, title: room.title, status: live ? 'live' : 'ended', ...summary, refusal });
        // After the end, the room page becomes its replay (when there is one this viewer may hear).
        const replay = live ? null : await deps.replays.access(room.id, ctx.viewer);
        if (replay) return renderReplay(deps, ctx, { room, host, access: replay });
        const recording = { recording: !!live?.state.recording, recordingAllowed: ctx.settings.recordingAllowed !== 'no' };
        return page(ctx, roomPage({ ...ctx, viewerCanTakePart: !!ctx.viewer }, { room, host, live: summary, refusal, reported: query.reported === '1', reactions: reactionEmojis, errorCodes, ...recording, secureUrl: secureRoomUrl(deps.config.publicUrl, room.id), share: roomPageShare(ctx, deps.contexts.expectedOrigin(ctx.request), room, host, summary) }));
      },
      linkParams,
    )
    .get(
      '/r/:id/listeners',
      ({ ctx, params }) => {
        const viewer = requireViewer(ctx);
        const live = deps.live.get(params.id);
        if (!live) throw new NotFound('This room is not live');
        if (!live.state.isManager(`u:${viewer.id}`) && viewer.role !== 'admin') throw new Forbidden('Only the host and co-hosts can see the listener list');
        const listeners = [...live.state.participants.values()].filter((p) => p.role === 'listener' && p.userId !== null).map((p) => live.state.view(p));
        return json(ctx, { listeners: listeners.slice(0, 500), total: live.state.listenerCount() });
      },
      linkParams, // deps.live knows only well-formed ids: anything else is 'not live', 404
    )
    .post(
      '/r/:id/end',
      async ({ ctx, params }) => {
        const viewer = requireViewer(ctx);
        await deps.rooms.end(viewer, params.id);
        const room = await deps.rooms.find(params.id);
        return redirect(ctx, room?.host_id === viewer.id ? '/studio' : '/admin/rooms');
      },
      idParams,
    )
    .post(
      '/r/:id/remove',
      async ({ ctx, params, body }) => {
        await deps.rooms.removeByAdmin(requireAdmin(ctx), params.id, body.participant);
        if (ctx.wantsJson) return json(ctx, { ok: true });
        return redirect(ctx, `/admin/rooms#room-${params.id}`);
      },
      { ...idParams, body: t.Object({ participant: t.String({ maxLength: 40, pattern: '^[ua]:[A-Za-z0-9_-]+$' }), _csrf: t.Optional(t.String({ maxLength: 200 })) }) },
    )
    .post(
      '/r/:id/report',
      async ({ ctx, params, body }) => {
        const viewer = requireViewer(ctx);
        const target = body.target ? await deps.users.byHandle(body.target.replace(/^@/, '').toLowerCase()) : undefined;
        if (body.target && !target) throw new NotFound(`No one is called ${body.target}`);
        await deps.rooms.report(viewer, { roomId: params.id, targetUserId: target?.id ?? null, reason: body.reason ?? '' });
        if (ctx.wantsJson) return json(ctx, { ok: true }, 201);
        return redirect(ctx, `/r/${params.id}?reported=1`);
      },
      { ...idParams, body: t.Object({ reason: t.Optional(t.String({ maxLength: 5000 })), target: t.Optional(t.String({ maxLength: 64 })), _csrf: t.Optional(t.String({ maxLength: 200 })) }) },
    );
}

/** The room at the instance's https address, for a visitor on a plain-http page (none without an https publicUrl). */
function secureRoomUrl(publicUrl: string, roomId: string): string | null {
  return publicUrl.startsWith('https://') ? `${publicUrl.replace(/\/+$/, '')}/r/${roomId}` : null;
}
