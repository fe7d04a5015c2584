// GET / — what this instance is (and, with the rooms issue, who is live).
import { Elysia } from 'elysia';
import { homePage } from '../../views/home.page';
import type { AppDeps } from '../app-deps';
import { page } from '../web/respond';
import { findUserById } from '../accounts/users.repository';

export const homeRoutes = (deps: AppDeps) =>
  new Elysia({ name: 'home' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/', async ({ ctx }) => {
      const rooms = await deps.rooms.discover(ctx.viewer);
      const cards = await Promise.all(
        rooms.slice(0, 50).map(async (live) => {
          const host = (await findUserById(deps.db, live.room.host_id))!;
          return {
            id: live.id,
            title: live.room.title,
            topics: JSON.parse(live.room.topics) as string[],
            host,
            speakers: live.state.stage().map((p) => live.state.view(p)),
            listenerCount: live.state.listenerCount(),
          };
        }),
      );
      return page(ctx, homePage(ctx, { description: ctx.settings.instanceDescription, rooms: cards }));
    });
