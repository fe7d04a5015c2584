// Profiles at /@handle, follower/following lists, follow/block actions, avatar files.
import { Elysia, t } from 'elysia';
import { connectionsPage, followButton, profilePage } from '../../views/profile.pages';
import type { AppDeps } from '../app-deps';
import { normalizeHandle } from '../accounts/accounts.model';
import type { User } from '../db/schema';
import { NotFound } from '../shared/errors';
import { requireViewer } from '../web/guards';
import { json, page, redirect, swapsInto } from '../web/respond';
import type { RequestContext } from '../web/request-context';
import { avatarContentType } from './avatar.service';
import { profilePageHead } from '../sharing/share-pages';

const socialActions = ['follow', 'unfollow', 'block', 'unblock'] as const;
const handleParams = { params: t.Object({ handle: t.String({ maxLength: 64 }) }) };
/** List pages: `?page=N` counts from 0; a bound keeps the SQL offset an ordinary integer. */
const pageQuery = { query: t.Object({ page: t.Optional(t.Integer({ minimum: 0, maximum: 100_000 })) }) };

export function profileRoutes(deps: Pick<AppDeps, 'avatars' | 'contexts' | 'rooms' | 'social' | 'users'>) {
  /** A visible profile: unknown handles and suspended people (except for admins) are 404. */
  const profileOf = async (ctx: RequestContext, rawHandle: string): Promise<User> => {
    const user = await deps.users.byHandle(normalizeHandle(rawHandle));
    if (!user || (user.suspended_at && ctx.viewer?.role !== 'admin')) throw new NotFound(`No one is called @${rawHandle}`);
    return user;
  };

  const app = new Elysia({ name: 'profiles' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/@:handle', async ({ ctx, params }) => {
      const user = await profileOf(ctx, params.handle);
      const [counts, relationship] = await Promise.all([deps.social.counts(user.id), deps.social.relationship(ctx.viewer, user)]);
      if (ctx.wantsJson) return json(ctx, { handle: user.handle, displayName: user.display_name, bio: user.bio, ...counts, relationship });
      const live = deps.rooms.liveRoomOfHost(user.id);
      const liveRoomUrl = live && (await deps.social.canJoinRoomsOf(user.id, ctx.viewer?.id ?? null)) ? `/r/${live.id}` : undefined;
      return page(ctx, profilePage(ctx, { user, counts, relationship, liveRoomUrl, shareHead: profilePageHead(ctx, deps.contexts.expectedOrigin(ctx.request), user) }));
    }, handleParams);

  for (const direction of ['followers', 'following'] as const) {
    app.get(`/@:handle/${direction}`, async ({ ctx, params, query }) => {
      const user = await profileOf(ctx, params.handle);
      const people = await deps.social.connections(user.id, direction, query.page ?? 0);
      const relationships = await deps.social.relationships(ctx.viewer, people.map((p) => p.id)); // one query for the page
      const withRelationships = people.map((p) => ({ ...p, relationship: relationships.get(p.id)! }));
      if (ctx.wantsJson) return json(ctx, { [direction]: people.map((p) => ({ handle: p.handle, displayName: p.display_name })) });
      return page(ctx, connectionsPage(ctx, { user, direction, people: withRelationships }));
    }, { ...handleParams, ...pageQuery });
  }

  for (const action of socialActions) {
    app.post(`/@:handle/${action}`, async ({ ctx, params }) => {
      const viewer = requireViewer(ctx);
      const target = await profileOf(ctx, params.handle);
      await deps.social[action](viewer, target);
      const relationship = await deps.social.relationship(viewer, target);
      if (ctx.wantsJson) return json(ctx, { ok: true, relationship, ...(await deps.social.counts(target.id)) });
      // htmx follow buttons swap themselves (their hx-target); everything else goes back to where it came from.
      if ((action === 'follow' || action === 'unfollow') && swapsInto(ctx, `follow-${target.handle}`)) {
        return page(ctx, followButton(ctx, target, relationship));
      }
      const back = URL.parse(ctx.request.headers.get('referer') ?? ''); // null when missing or garbled
      return redirect(ctx, back?.origin === ctx.url.origin ? back.pathname : `/@${target.handle}`);
    }, handleParams);
  }

  return app.get('/avatars/:file', ({ params }) => {
    const path = deps.avatars.path(params.file);
    if (!path) throw new NotFound('No such avatar');
    const file = Bun.file(path);
    return file.exists().then((exists) => {
      if (!exists) throw new NotFound('No such avatar');
      return new Response(file, {
        headers: { 'content-type': avatarContentType(params.file)!, 'cache-control': 'public, max-age=31536000, immutable', 'content-security-policy': "default-src 'none'" },
      });
    });
  });
}
