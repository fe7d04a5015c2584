// Live HLS: GET /r/:id/live.m3u8 (the room's media playlist, short max-age and an ETag) and
// GET /r/:id/live/<seq>.aac (one ~1 s segment, immutable: a CDN or nginx keeps it). Access is the
// live room's: people the host blocked get 404 (blocks are private), removed or suspended people
// 403, anonymous listeners 401 when the instance requires an account to listen. No cookie is
// needed otherwise (VLC, podcast apps, a page whose socket was refused).
import { createHash } from 'node:crypto';
import { Elysia, t } from 'elysia';
import type { AppDeps } from '../app-deps';
import { anonymousCookie } from '../rooms/anonymous-listener';
import type { LiveRoom } from '../rooms/live/live-room';
import { Forbidden, NotFound, Unauthorized } from '../shared/errors';
import { parseCookies } from '../web/cookies';
import type { RequestContext } from '../web/request-context';

const roomIdPattern = /^[a-z0-9]{4,20}$/;
const segmentPattern = /^(\d{1,12})\.aac$/;
const linkParams = { params: t.Object({ id: t.String({ maxLength: 40 }) }) };
const segmentParams = { params: t.Object({ id: t.String({ maxLength: 40 }), segment: t.String({ maxLength: 40 }) }) };
const corsHeaders = { 'access-control-allow-origin': '*' }; // any web player may read a public stream

export function hlsRoutes(deps: Pick<AppDeps, 'anonymous' | 'contexts' | 'hls' | 'rooms'>) {
  /** The stream, once this person may hear the room (the same rules as joining it). */
  const streamFor = async (ctx: RequestContext, id: string) => {
    const found = roomIdPattern.test(id) ? deps.hls.find(id) : undefined;
    if (!found) throw new NotFound('No live stream for this room');
    const browser = deps.anonymous.verify(parseCookies(ctx.request.headers.get('cookie'))[anonymousCookie]);
    await checkAccess(found.live, ctx, browser);
    return { ...found, browser };
  };

  const checkAccess = async (live: LiveRoom, ctx: RequestContext, browser: ReturnType<AppDeps['anonymous']['verify']>) => {
    // Blocks are private and hide the room entirely, as on the room page.
    if (await deps.rooms.hiddenFrom(live.room, ctx.viewer, browser)) throw new NotFound('No live stream for this room');
    if (ctx.viewer?.suspended_at) throw new Forbidden('This account is suspended');
    if (!ctx.viewer && ctx.settings.requireAccountToListen === 'yes') throw new Unauthorized('Sign in to listen to this room');
    const keys = [ctx.viewer && `u:${ctx.viewer.id}`, browser && `a:${browser.anonymousId}`, browser?.userId != null && `u:${browser.userId}`];
    if (keys.some((key) => key && live.removed.has(key))) throw new Forbidden('You were removed from this room');
  };

  return new Elysia({ name: 'hls' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get(
      '/r/:id/live.m3u8',
      async ({ ctx, params }) => {
        const { stream, browser } = await streamFor(ctx, params.id);
        deps.hls.sawListener(stream.roomId, clientKey(ctx, browser?.anonymousId ?? null));
        await stream.touch(Date.now());
        const { text, etag } = stream.playlist();
        const headers = { ...corsHeaders, 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'public, max-age=1', etag };
        if (ctx.request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
        return new Response(text, { headers });
      },
      linkParams,
    )
    .get(
      '/r/:id/live/:segment',
      async ({ ctx, params }) => {
        const match = segmentPattern.exec(params.segment);
        const { stream } = await streamFor(ctx, params.id);
        const segment = match ? stream.segment(Number(match[1])) : undefined;
        if (!segment) throw new NotFound('No such segment (it may have left the live window)');
        return new Response(segment.data, {
          headers: { ...corsHeaders, 'content-type': 'audio/aac', 'cache-control': 'public, max-age=86400, immutable', etag: `"${stream.roomId}-${segment.seq}"` },
        });
      },
      segmentParams,
    );
}

/** Who fetched a playlist, for the HLS listener estimate: the browser's anonymous id, the account, or a hash of address and user agent. */
function clientKey(ctx: RequestContext, anonymousId: string | null): string {
  if (anonymousId) return `a:${anonymousId}`;
  if (ctx.viewer) return `u:${ctx.viewer.id}`;
  return `h:${createHash('sha256').update(`${ctx.ip}\n${ctx.request.headers.get('user-agent') ?? ''}`).digest('base64url').slice(0, 16)}`;
}
