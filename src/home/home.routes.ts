// GET / — what this instance is and who is live (rooms of people I follow first).
import { Elysia } from 'elysia';
import { homePage } from '../../views/home.page';
import type { AppDeps } from '../app-deps';
import { page } from '../web/respond';

export const homeRoutes = (deps: Pick<AppDeps, 'contexts' | 'rooms' | 'users'>) =>
  new Elysia({ name: 'home' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/', async ({ ctx }) => {
      const rooms = (await deps.rooms.discover(ctx.viewer)).slice(0, 50);
      const hosts = await deps.users.byIds(rooms.map((live) => live.room.host_id)); // one query for all cards
      const cards = rooms.map((live) => ({
        id: live.id,
        title: live.room.title,
        topics: live.room.topics,
        host: hosts.get(live.room.host_id)!,
        speakers: live.state.stage().map((p) => live.state.view(p)),
        listenerCount: live.state.listenerCount(),
      }));
      return page(ctx, homePage(ctx, { description: ctx.settings.instanceDescription, rooms: cards }));
    });
