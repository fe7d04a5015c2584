// The host's podcast feed (/@handle/podcast.rss) and a replay's chapters (/r/:id/chapters.json).
import { Elysia, t } from 'elysia';
import { listingsPage } from '../../../views/clip.page';
import { requireViewer } from '../../web/guards';
import { json, page, swapsInto } from '../../web/respond';
import type { AppDeps } from '../../app-deps';
import { normalizeHandle } from '../../accounts/accounts.model';
import { NotFound } from '../../shared/errors';
import { findSpeech } from '../recordings.repository';
import { findRecordingOfRoom } from '../recordings.repository';
import { maySeeReplay } from '../clips/clips.service';
import { chaptersJson, podcastFeedXml, publicReplaysForFeed, sqlDate } from './podcast-feed';

export function feedRoutes(deps: Pick<AppDeps, 'clips' | 'contexts' | 'db' | 'recorders' | 'rooms' | 'social' | 'users'>) {
  return new Elysia({ name: 'podcast-feed' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get(
      '/@:handle/podcast.rss',
      async ({ ctx, params }) => {
        const host = await deps.users.byHandle(normalizeHandle(params.handle));
        if (!host || host.suspended_at) throw new NotFound(`No one is called @${params.handle}`);
        const live = deps.rooms.liveRoomOfHost(host.id);
        const xml = podcastFeedXml({
          origin: deps.contexts.expectedOrigin(ctx.request),
          host,
          instanceName: ctx.settings.instanceName,
          language: host.language ?? ctx.settings.defaultLanguage,
          replays: await publicReplaysForFeed(deps.db, host, (id) => deps.recorders.dirOf(id)),
          live: live && live.state.status === 'live' ? { roomId: live.id, title: live.room.title, startedAt: sqlDate(live.room.started_at ?? live.room.created_at) } : undefined,
        });
        return new Response(xml, { headers: { 'content-type': 'application/rss+xml; charset=utf-8', 'cache-control': 'public, max-age=300' } });
      },
      { params: t.Object({ handle: t.String({ maxLength: 64 }) }) },
    )
    // The lists profiles and the studio load into themselves (htmx), or a page of their own without JavaScript.
    .get(
      '/@:handle/replays',
      async ({ ctx, params }) => {
        const user = await deps.users.byHandle(normalizeHandle(params.handle));
        if (!user || (user.suspended_at && ctx.viewer?.role !== 'admin')) throw new NotFound(`No one is called @${params.handle}`);
        const lists = await deps.clips.profileListings(user.id);
        if (ctx.wantsJson) return json(ctx, lists);
        const hosted = lists.replays.length > 0 || (await deps.db.selectFrom('recordings').select('id').where('host_id', '=', user.id).executeTakeFirst()) !== undefined;
        return page(ctx, listingsPage(ctx, { ...lists, fragment: swapsInto(ctx, 'profile-replays'), owner: user, feedUrl: hosted ? `/@${user.handle}/podcast.rss` : undefined }));
      },
      { params: t.Object({ handle: t.String({ maxLength: 64 }) }) },
    )
    .get('/studio/replays', async ({ ctx }) => {
      const viewer = requireViewer(ctx);
      const lists = await deps.clips.studioListings(viewer.id);
      if (ctx.wantsJson) return json(ctx, lists);
      return page(ctx, listingsPage(ctx, { ...lists, fragment: swapsInto(ctx, 'studio-replays'), owner: viewer, studio: true, feedUrl: `/@${viewer.handle}/podcast.rss` }));
    })
    .get(
      '/r/:id/chapters.json',
      async ({ ctx, params }) => {
        const recording = await findRecordingOfRoom(deps.db, params.id);
        if (!recording || recording.status !== 'ready' || !(await maySeeReplay(deps.db, deps.social, recording, ctx.viewer))) throw new NotFound('No such replay');
        const body = chaptersJson(await findSpeech(deps.db, recording.id), recording);
        return new Response(JSON.stringify(body), {
          headers: { 'content-type': 'application/json+chapters; charset=utf-8', 'cache-control': `${recording.visibility === 'public' ? 'public' : 'private'}, max-age=300` },
        });
      },
      { params: t.Object({ id: t.String({ maxLength: 40 }) }) },
    );
}
