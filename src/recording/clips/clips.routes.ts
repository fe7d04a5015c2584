// Clips over HTTP: make one (POST /r/:id/clips), its page (/c/:id), its audio with Range
// (/c/:id/audio) and deleting it (POST /c/:id/delete).
import { Elysia, t } from 'elysia';
import { clipPage } from '../../../views/clip.page';
import type { AppDeps } from '../../app-deps';
import { AppError, Invalid } from '../../shared/errors';
import { httpStatus } from '../../web/error-status';
import { requireViewer } from '../../web/guards';
import { json, page, redirect } from '../../web/respond';
import { serveReplayFile } from '../replay/replay-audio';
import { ClipRefused } from './clips.service';
import { clipPageShare } from '../../sharing/share-pages';

const idParams = { params: t.Object({ id: t.String({ maxLength: 40 }) }) };

export function clipsRoutes(deps: Pick<AppDeps, 'clips' | 'contexts'>) {
  const origin = (request: Request) => deps.contexts.expectedOrigin(request);
  return new Elysia({ name: 'clips' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .post(
      '/r/:id/clips',
      async ({ ctx, params, body }) => {
        const viewer = requireViewer(ctx);
        let atMs: number | undefined;
        if (body.t !== undefined && body.t !== '') {
          atMs = Number(body.t);
          if (!Number.isInteger(atMs) || atMs < 0) throw new Invalid('The position t must be a whole number of milliseconds', 't');
        }
        let clip;
        try {
          clip = await deps.clips.create(viewer, params.id, { atMs, title: body.title });
        } catch (error) {
          // Scripts (the room page) get a code to translate the refusal by: `off`, `hosts`, `removed` or the error's kind.
          if (!ctx.wantsJson || !(error instanceof AppError)) throw error;
          return json(ctx, { error: error.message, field: error.field, code: error instanceof ClipRefused ? error.reason : error.kind }, httpStatus(error));
        }
        const url = `/c/${clip.id}`;
        if (ctx.wantsJson) return json(ctx, { id: clip.id, url, shareUrl: `${origin(ctx.request)}${url}`, audio: `${url}/audio`, startMs: clip.start_ms, durationMs: clip.duration_ms, expiresAt: clip.expires_at }, 201);
        return redirect(ctx, url);
      },
      {
        ...idParams,
        body: t.Object({
          t: t.Optional(t.String({ maxLength: 20 })),
          title: t.Optional(t.String({ maxLength: 1000 })),
          _csrf: t.Optional(t.String({ maxLength: 200 })),
        }),
      },
    )
    .get(
      '/c/:id',
      async ({ ctx, params }) => {
        const clip = await deps.clips.require(params.id, ctx.viewer);
        if (ctx.wantsJson) return json(ctx, { id: clip.id, title: clip.title, room: `/r/${clip.room_id}`, by: clip.creator_handle, durationMs: clip.duration_ms, plays: clip.plays, expiresAt: clip.expires_at, audio: `/c/${clip.id}/audio` });
        return page(ctx, clipPage(ctx, { clip, origin: origin(ctx.request), canDelete: deps.clips.mayDelete(clip, ctx.viewer), share: clipPageShare(ctx, origin(ctx.request), clip) }));
      },
      idParams,
    )
    .get(
      '/c/:id/audio',
      async ({ ctx, params, request }) => {
        const clip = await deps.clips.require(params.id, ctx.viewer);
        const range = request.headers.get('range');
        if (request.method === 'GET' && (!range || /^bytes=0-/.test(range.trim()))) await deps.clips.countPlay(clip, ctx.viewer ? `u${ctx.viewer.id}` : `ip${ctx.ip}`);
        return serveReplayFile({ path: deps.clips.filePath(clip), type: 'audio/mp4', isPublic: false, request });
      },
      idParams,
    )
    .post(
      '/c/:id/delete',
      async ({ ctx, params }) => {
        const clip = await deps.clips.delete(params.id, requireViewer(ctx));
        if (ctx.wantsJson) return json(ctx, { ok: true });
        return redirect(ctx, `/r/${clip.room_id}`);
      },
      { ...idParams, body: t.Object({ _csrf: t.Optional(t.String({ maxLength: 200 })) }) },
    );
}
