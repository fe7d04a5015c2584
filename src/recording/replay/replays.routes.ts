// Replay HTTP: its audio files (Range), peaks, the play counter, and the host's edits, deletion and
// the speakers' "hide from my profile". The page itself is /r/<id> once the room has ended (rooms.routes).
import { Elysia, t } from 'elysia';
import { replayDeletePage } from '../../../views/replay.page';
import type { AppDeps } from '../../app-deps';
import { Forbidden, NotFound } from '../../shared/errors';
import { FormInvalid } from '../../shared/form-errors';
import { requireViewer } from '../../web/guards';
import { formRejected, json, page, redirect } from '../../web/respond';
import type { RequestContext } from '../../web/request-context';
import { replayHtml } from './replay-page';
import { replayTypes, serveReplayFile } from './replay-audio';
import type { ReplayFile } from './replays.service';

const roomIdPattern = '^[a-z0-9]{4,20}$';
const linkParams = { params: t.Object({ id: t.String() }) };
const idParams = { params: t.Object({ id: t.String({ pattern: roomIdPattern }) }) };
const validId = (id: string) => new RegExp(roomIdPattern).test(id);
const csrf = { _csrf: t.Optional(t.String({ maxLength: 200 })) };

export function replayRoutes(deps: Pick<AppDeps, 'clips' | 'contexts' | 'replays' | 'rooms' | 'users'>) {
  const serve = async (ctx: RequestContext, id: string, name: ReplayFile, download: boolean) => {
    if (!validId(id)) throw new NotFound('No such replay');
    const { access, path } = await deps.replays.file(id, ctx.viewer, name);
    const { recording } = access;
    if (download && !recording.downloads_allowed) throw new Forbidden('The host does not allow downloads of this replay');
    const ext = name.split('.').pop();
    return serveReplayFile({ path, type: replayTypes[name], isPublic: recording.visibility === 'public', request: ctx.request, downloadName: download ? `${recording.title.slice(0, 60)}.${ext}` : undefined });
  };
  const download = { query: t.Object({ download: t.Optional(t.String({ maxLength: 5 })) }) };

  return new Elysia({ name: 'replays' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/r/:id/replay.opus', ({ ctx, params, query }) => serve(ctx, params.id, 'replay.opus', query.download === '1'), { ...linkParams, ...download })
    .get('/r/:id/replay.m4a', ({ ctx, params, query }) => serve(ctx, params.id, 'replay.m4a', query.download === '1'), { ...linkParams, ...download })
    .get('/r/:id/replay/peaks.json', ({ ctx, params }) => serve(ctx, params.id, 'peaks.json', false), linkParams)
    .post(
      '/r/:id/replay/played',
      async ({ ctx, params }) => json(ctx, await deps.replays.countPlay(params.id, ctx.viewer, ctx.ip)),
      { ...idParams, body: t.Optional(t.Object({ ...csrf })) },
    )
    .post(
      '/r/:id/replay',
      async ({ ctx, params, body }) => {
        const viewer = requireViewer(ctx);
        const downloads = Array.isArray(body.downloads) ? body.downloads.at(-1) : body.downloads;
        try {
          await deps.replays.edit(viewer, params.id, { ...body, downloads });
        } catch (error) {
          if (!(error instanceof FormInvalid)) throw error;
          const room = (await deps.rooms.find(params.id))!;
          const access = await deps.replays.require(params.id, viewer);
          const values = { ...body, downloads: downloads ?? '' } as Record<string, string>;
          const html = ctx.wantsJson ? null : await replayHtml(deps, ctx, { room, host: (await deps.users.byId(room.host_id))!, access, values, errors: error.errors });
          return formRejected(ctx, error, () => html!);
        }
        return redirect(ctx, `/r/${params.id}`);
      },
      {
        ...idParams,
        body: t.Object({
          title: t.Optional(t.String({ maxLength: 1000 })),
          description: t.Optional(t.String({ maxLength: 10000 })),
          visibility: t.Optional(t.String({ maxLength: 20 })),
          downloads: t.Optional(t.Union([t.String({ maxLength: 5 }), t.Array(t.String({ maxLength: 5 }), { maxItems: 2 })])),
          clipPolicy: t.Optional(t.String({ maxLength: 20 })),
          trimStart: t.Optional(t.String({ maxLength: 20 })),
          trimEnd: t.Optional(t.String({ maxLength: 20 })),
          ...csrf,
        }),
      },
    )
    .post(
      '/r/:id/replay/delete',
      async ({ ctx, params, body }) => {
        const viewer = requireViewer(ctx);
        if (body.confirm !== 'yes') {
          const { recording } = await deps.replays.requireManager(params.id, viewer);
          const room = (await deps.rooms.find(params.id))!;
          if (ctx.wantsJson) return json(ctx, { error: 'Send confirm=yes to delete this replay', field: 'confirm' }, 400);
          return page(ctx, replayDeletePage(ctx, { room, recording }));
        }
        await deps.replays.remove(viewer, params.id);
        return redirect(ctx, '/studio');
      },
      { ...idParams, body: t.Object({ confirm: t.Optional(t.String({ maxLength: 5 })), ...csrf }) },
    )
    .post(
      '/r/:id/replay/profile',
      async ({ ctx, params, body }) => {
        const viewer = requireViewer(ctx);
        await deps.replays.setHiddenOnProfile(viewer, params.id, body.hidden === 'yes');
        if (ctx.wantsJson) return json(ctx, { ok: true, hidden: body.hidden === 'yes' });
        return redirect(ctx, `/r/${params.id}`);
      },
      { ...idParams, body: t.Object({ hidden: t.Union([t.Literal('yes'), t.Literal('no')]), ...csrf }) },
    );
}
