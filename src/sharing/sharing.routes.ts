// Sharing over HTTP: the share cards (/r/<id>/card.png, /c/<id>/card.png, /@<handle>/card.png),
// oEmbed (/oembed?url=...) and the embeddable players (/embed/<room id>, /embed/c/<clip id>).
// Each follows the visibility of the page it stands for: what a viewer may not see is "not found".
import { Elysia, t } from 'elysia';
import { embedOffPage, embedPage } from '../../views/embed.page';
import type { AppDeps } from '../app-deps';
import { normalizeHandle } from '../accounts/accounts.model';
import { AppError, NotFound } from '../shared/errors';
import type { RequestContext } from '../web/request-context';
import { json, page } from '../web/respond';
import { avatarDataUri, cardInput, profileCardInput } from './card/card-input';
import type { CardInput } from './card/card-image';
import { describe, embeddable } from './share-meta';
import { shareContextOf } from './share-context';
import { clipSubject, roomIdPattern, roomSubject, subjectPath, subjectTitle, type ShareSubject } from './share-subject';
import { parseShareTime } from '../recording/replay/replay-time';

type SharingDeps = Pick<AppDeps, 'avatars' | 'cards' | 'clips' | 'config' | 'contexts' | 'live' | 'replays' | 'rooms' | 'schedules' | 'users'>;

const linkParams = { params: t.Object({ id: t.String({ maxLength: 60 }) }) };
const embedSize = { width: 560, height: 200 };

/** How long a card may be kept: a live room's changes with its stage, a replay's hardly. */
function cacheControl(s: ShareSubject | null): string {
  if (!s) return 'public, max-age=3600';
  if (s.kind === 'live') return 'public, max-age=30';
  if (s.kind === 'scheduled') return 'public, max-age=300';
  if (s.kind === 'replay' && s.recording.visibility !== 'public') return 'private, max-age=3600';
  return 'public, max-age=86400';
}

export function sharingRoutes(deps: SharingDeps) {
  const origin = (ctx: RequestContext) => deps.contexts.expectedOrigin(ctx.request).replace(/\/+$/, '');

  const sendCard = async (ctx: RequestContext, input: CardInput, subject: ShareSubject | null) => {
    const headers = { 'cache-control': cacheControl(subject), etag: deps.cards.etagOf(input), vary: 'Accept-Language, Cookie' };
    if (ctx.request.headers.get('if-none-match') === headers.etag) return new Response(null, { status: 304, headers });
    const card = await deps.cards.render(input);
    if (!card) throw new NotFound('Share cards are not available on this server');
    return new Response(card.png as Uint8Array<ArrayBuffer>, { headers: { ...headers, 'content-type': 'image/png' } });
  };
  const subjectCard = async (ctx: RequestContext, s: ShareSubject) => sendCard(ctx, cardInput(ctx.t, ctx.lang, ctx.instanceName, s, await avatarDataUri(deps.avatars, s.host.avatar_file)), s);

  /** The subject an embed or oEmbed asks for, if this instance lets others embed it. */
  const embedSubject = async (ctx: RequestContext, kind: 'room' | 'clip', id: string) => {
    if (ctx.settings.embeddingAllowed === 'no') throw new NotFound('Embedding is turned off on this instance');
    const s = kind === 'clip' ? await clipSubject(deps, ctx.viewer, id) : await roomSubject(deps, ctx.viewer, id);
    if (!embeddable(s)) throw new NotFound('Nothing to embed here');
    return s;
  };

  const embed = async (ctx: RequestContext, kind: 'room' | 'clip', id: string) => {
    try {
      const s = await embedSubject(ctx, kind, id);
      const startMs = s.kind === 'replay' ? parseShareTime(ctx.url.searchParams.get('t')) : null;
      const share = shareContextOf(ctx, origin(ctx));
      return page(ctx, embedPage(ctx, { subject: s, origin: share.origin, description: describe(share, s), startSeconds: startMs && startMs < (s.kind === 'replay' ? s.durationMs : 0) ? Math.floor(startMs / 1000) : 0 }));
    } catch (error) {
      if (!(error instanceof AppError) || error.kind !== 'notFound') throw error;
      return page(ctx, embedOffPage(ctx, ctx.settings.embeddingAllowed === 'no' ? ctx.t('embed.off') : error.message), 404);
    }
  };

  return new Elysia({ name: 'sharing' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/r/:id/card.png', async ({ ctx, params }) => subjectCard(ctx, await roomSubject(deps, ctx.viewer, params.id)), linkParams)
    .get('/c/:id/card.png', async ({ ctx, params }) => subjectCard(ctx, await clipSubject(deps, ctx.viewer, params.id)), linkParams)
    .get(
      '/@:handle/card.png',
      async ({ ctx, params }) => {
        const user = await deps.users.byHandle(normalizeHandle(params.handle));
        if (!user || (user.suspended_at && ctx.viewer?.role !== 'admin')) throw new NotFound(`No one is called @${params.handle}`);
        return sendCard(ctx, profileCardInput(ctx.instanceName, user, await avatarDataUri(deps.avatars, user.avatar_file)), null);
      },
      { params: t.Object({ handle: t.String({ maxLength: 64 }) }) },
    )
    .get('/embed/:id', ({ ctx, params }) => embed(ctx, 'room', params.id), linkParams)
    .get('/embed/c/:id', ({ ctx, params }) => embed(ctx, 'clip', params.id), linkParams)
    .get(
      '/oembed',
      async ({ ctx, query }) => {
        // The spec: 501 for a format we do not serve (only JSON here), 404 for a URL we have no embed for.
        if (query.format && query.format !== 'json') return json(ctx, { error: 'Only format=json is served' }, 501);
        const here = origin(ctx);
        const target = URL.parse(query.url);
        if (!target || target.origin !== new URL(here).origin) throw new NotFound('Not a page of this instance');
        const match = /^\/(r|c)\/([^/]+)\/?$/.exec(target.pathname);
        if (!match) throw new NotFound('No embed for this page');
        const kind = match[1] === 'c' ? 'clip' : 'room';
        if (kind === 'room' && !roomIdPattern.test(match[2]!)) throw new NotFound('No such room');
        const s = await embedSubject(ctx, kind, match[2]!);
        const width = Math.max(120, Math.min(embedSize.width, query.maxwidth ?? embedSize.width));
        const height = Math.max(80, Math.min(embedSize.height, query.maxheight ?? embedSize.height));
        const tParam = s.kind === 'replay' && parseShareTime(target.searchParams.get('t')) !== null ? `?t=${encodeURIComponent(target.searchParams.get('t')!)}` : '';
        const src = `${here}/embed/${kind === 'clip' ? 'c/' : ''}${match[2]}${tParam}`;
        const title = subjectTitle(s);
        const escape = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        const thumbnailFits = (query.maxwidth ?? 1200) >= 1200 && (query.maxheight ?? 630) >= 630;
        const body = {
          version: '1.0',
          type: 'rich',
          title,
          author_name: s.host.display_name,
          author_url: `${here}/@${s.host.handle}`,
          provider_name: ctx.instanceName,
          provider_url: `${here}/`,
          cache_age: s.kind === 'live' ? 60 : 3600,
          html: `<iframe src="${escape(src)}" width="${width}" height="${height}" style="border:0;max-width:100%" allow="autoplay" loading="lazy" title="${escape(title)}"></iframe>`,
          width,
          height,
          ...(thumbnailFits ? { thumbnail_url: `${here}${subjectPath(s)}/card.png`, thumbnail_width: 1200, thumbnail_height: 630 } : {}),
        };
        const response = json(ctx, body);
        response.headers.set('access-control-allow-origin', '*');
        response.headers.set('cache-control', s.kind === 'live' ? 'public, max-age=60' : 'public, max-age=3600');
        return response;
      },
      {
        query: t.Object({
          url: t.String({ maxLength: 2000 }),
          format: t.Optional(t.String({ maxLength: 10 })),
          maxwidth: t.Optional(t.Integer({ minimum: 1, maximum: 10000 })),
          maxheight: t.Optional(t.Integer({ minimum: 1, maximum: 10000 })),
        }),
      },
    );
}
