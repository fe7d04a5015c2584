// /admin/rooms: every live room with who is in it; an admin removes anyone or ends the room,
// with the same effect as the host doing it.
import { html } from '../src/shared/html';
import type { PublicParticipant } from '../src/rooms/live/room.model';
import { csrfField } from './components';
import { adminNav } from './admin.pages';
import { layout, type PageContext } from './layout';

export interface LiveRoomSummary {
  id: string;
  title: string;
  hostHandle: string;
  listenerCount: number;
  /** Stage first, then signed-in listeners (a bounded number). */
  people: PublicParticipant[];
}

export function adminRoomsPage(ctx: PageContext, rooms: LiveRoomSummary[]) {
  const { t } = ctx;
  const removeButton = (roomId: string, p: PublicParticipant) => html`<form method="post" action="/r/${roomId}/remove" class="inline">
    ${csrfField(ctx)}<input type="hidden" name="participant" value="${p.id}"><button type="submit" class="danger">${t('room.remove')}</button></form>`;
  const person = (roomId: string, p: PublicParticipant) => html`<li><span>${p.name}${p.handle ? ` @${p.handle}` : ''} · ${t(`room.role.${p.role}`)}</span>${removeButton(roomId, p)}</li>`;
  const room = (r: LiveRoomSummary) => html`<li class="card" id="room-${r.id}">
    <h2><a href="/r/${r.id}">${r.title}</a></h2>
    <p><small>@${r.hostHandle} · ${r.listenerCount} ${t('room.listeners')}</small></p>
    <ul class="rows">${r.people.map((p) => person(r.id, p))}</ul>
    <form method="post" action="/r/${r.id}/end" class="inline">${csrfField(ctx)}<button type="submit" class="danger">${t('room.end')}</button></form>
  </li>`;
  return layout(ctx, {
    title: t('admin.liveRooms'),
    body: html`<h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin/rooms')}
      ${rooms.length ? html`<ul class="room-cards">${rooms.map(room)}</ul>` : html`<p class="empty">${t('admin.noLiveRooms')}</p>`}`,
  });
}
