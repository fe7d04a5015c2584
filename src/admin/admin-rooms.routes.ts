// /admin/rooms: live rooms for admins to moderate (removal and ending go through /r/:id/remove and /r/:id/end).
import { Elysia } from 'elysia';
import { adminRoomsPage, type LiveRoomSummary } from '../../views/admin-rooms.page';
import type { AppDeps } from '../app-deps';
import { requireAdmin } from '../web/guards';
import { json, page } from '../web/respond';

const peoplePerRoom = 200;

export function adminRoomsRoutes(deps: Pick<AppDeps, 'contexts' | 'live' | 'users'>) {
  return new Elysia({ name: 'admin-rooms' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/admin/rooms', async ({ ctx }) => {
      requireAdmin(ctx);
      const rooms: LiveRoomSummary[] = [];
      for (const live of deps.live.all()) {
        if (live.state.status !== 'live') continue;
        const host = await deps.users.byId(live.room.host_id);
        const listeners = [...live.state.participants.values()].filter((p) => p.role === 'listener' && p.userId !== null);
        const people = [...live.state.stage(), ...listeners].slice(0, peoplePerRoom).map((p) => live.state.view(p));
        rooms.push({ id: live.id, title: live.room.title, hostHandle: host?.handle ?? '?', listenerCount: live.state.listenerCount(), people });
      }
      if (ctx.wantsJson) return json(ctx, { rooms });
      return page(ctx, adminRoomsPage(ctx, rooms));
    });
}
