// Live HLS: GET /r/:id/live.m3u8 (the room's media playlist, short max-age and an ETag) and
// GET /r/:id/live/<seq>.aac (one ~1 s segment, immutable: a CDN or nginx keeps it). Access is the
// live room's (hls-access.ts). No cookie is needed (VLC, podcast apps, a page whose socket was
// refused). Most requests never reach these routes: hls-fast-path.ts answers the ones that may
// listen from Bun's own router; these give the same answers, and every refusal its error page.
import { Elysia, t } from 'elysia';
import type { AppDeps } from '../app-deps';
import { anonymousCookie } from '../rooms/anonymous-listener';
import { NotFound } from '../shared/errors';
import { parseCookies } from '../web/cookies';
import type { RequestContext } from '../web/request-context';
import { addressKey, listenerKey, refusal } from './hls-access';
import { HlsResponses } from './hls-responses';

const roomIdPattern = /^[a-z0-9]{4,20}$/;
export const segmentPattern = /^(\d{1,12})\.aac$/;
const linkParams = { params: t.Object({ id: t.String({ maxLength: 40 }) }) };
const segmentParams = { params: t.Object({ id: t.String({ maxLength: 40 }), segment: t.String({ maxLength: 40 }) }) };

/** The live stream of a room id that looks like one, if the room is live (or ended a moment ago). */
export const findStream = (hls: AppDeps['hls'], id: string) => (roomIdPattern.test(id) ? hls.find(id) : undefined);

export function hlsRoutes(deps: Pick<AppDeps, 'anonymous' | 'contexts' | 'hls' | 'rooms'>) {
  const responses = new HlsResponses(); // the app's hooks add the security headers
  /** The stream, once this person may hear the room (the same rules as joining it). */
  const streamFor = async (ctx: RequestContext, id: string) => {
    const found = findStream(deps.hls, id);
    if (!found) throw new NotFound('No live stream for this room');
    const who = { viewer: ctx.viewer, browser: deps.anonymous.verify(parseCookies(ctx.request.headers.get('cookie'))[anonymousCookie]) };
    const refused = await refusal(deps.rooms, found.live, who, ctx.settings);
    if (refused) throw refused;
    return { ...found, who };
  };

  return new Elysia({ name: 'hls' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get(
      '/r/:id/live.m3u8',
      async ({ ctx, params }) => {
        const { stream, who } = await streamFor(ctx, params.id);
        deps.hls.sawListener(stream.roomId, listenerKey(who) ?? addressKey(ctx.ip, ctx.request.headers.get('user-agent')));
        await stream.touch(Date.now());
        return responses.playlist(ctx.request, stream);
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
        return responses.segment(stream, segment);
      },
      segmentParams,
    );
}
