// Home: what this instance is, and who is live now (people you follow first).
import { html } from '../src/shared/html';
import type { PublicParticipant } from '../src/rooms/live/room.model';
import { avatar } from './components';
import { layout, type PageContext } from './layout';
import { upcomingSlot } from './schedule.pages';

export interface LiveRoomCard {
  id: string;
  title: string;
  topics: string[];
  host: { handle: string; display_name: string; avatar_file: string | null };
  speakers: PublicParticipant[];
  listenerCount: number;
}

export function homePage(ctx: PageContext, view: { description: string; rooms: LiveRoomCard[] }) {
  const { t } = ctx;
  const card = (room: LiveRoomCard) => html`<li class="room-card">
    <a href="/r/${room.id}" class="room-link">
      <h3>${room.title}</h3>
      ${room.topics.length ? html`<p class="topics">${room.topics.map((topic) => html`<span class="topic">#${topic}</span> `)}</p>` : ''}
      <p class="speakers">${room.speakers.slice(0, 6).map((s) => html`<span class="speaker">${avatar({ handle: s.handle ?? '', display_name: s.name, avatar_file: s.avatar }, 28)} ${s.name}</span>`)}</p>
      <p class="count">${room.listenerCount} ${t('room.listeners')}</p>
    </a>
  </li>`;
  return layout(ctx, {
    title: ctx.instanceName,
    body: html`
    <section class="intro">
      <h1>${ctx.instanceName}</h1>
      <p>${view.description || t('home.intro', { name: ctx.instanceName })}</p>
      ${ctx.viewer ? html`<p><a class="button primary" href="/studio">${t('studio.heading')}</a></p>` : html`<p><a class="button primary" href="/signup">${t('nav.signup')}</a> <a href="/login">${t('nav.login')}</a></p>`}
    </section>
    <section class="live-now" aria-labelledby="live-now-title">
      <h2 id="live-now-title">${t('home.liveNow')}</h2>
      ${
        view.rooms.length
          ? html`<ul class="live-bar">${view.rooms.map((room) => html`<li><a href="/r/${room.id}" title="${room.host.display_name}: ${room.title}">${avatar(room.host, 56, true)}<span>${room.host.display_name}</span></a></li>`)}</ul>
          <ul class="room-cards">${view.rooms.map(card)}</ul>`
          : html`<p class="empty">${t('home.noRooms')}</p>`
      }
    </section>
    ${upcomingSlot(ctx, 'home-upcoming', '/upcoming')}`,
  });
}
