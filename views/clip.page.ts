// A clip's page /c/:id (player, share link, Open Graph tags), the "clip" button the room and
// replay pages can show, and the replay and clip lists of profiles and the studio.
import { html, type SafeHtml } from '../src/shared/html';
import type { ShareBits } from '../src/sharing/share-meta';
import type { MessageKey } from '../src/i18n/messages.en';
import type { ClipDetails, ClipListing, ReplayListing } from '../src/recording/clips/clips.repository';
import { formatClock } from '../src/recording/replay/replay-time';
import { actionButton, csrfField } from './components';
import { layout, type PageContext } from './layout';

/** A length as `1:02:03` / `2:03`, to the nearest second (as share cards show it). */
const minutes = (ms: number) => formatClock(Math.round(ms / 1000) * 1000);
const day = (iso: string) => iso.slice(0, 10);

export function clipPage(ctx: PageContext, view: { clip: ClipDetails; origin: string; canDelete: boolean; share?: ShareBits }) {
  const { t } = ctx;
  const { clip, origin } = view;
  const shareUrl = `${origin}/c/${clip.id}`;
  const body = html`<article class="card clip">
    <h1>${clip.title}</h1>
    <p class="clip-meta">${t('clip.from', { title: clip.recording_title })} · <a href="/@${clip.host_handle}">@${clip.host_handle}</a><br>
      <small>${t('clip.by', { name: clip.creator_name })} (<a href="/@${clip.creator_handle}">@${clip.creator_handle}</a>) · ${minutes(clip.duration_ms)} · ${t('clip.plays', { count: clip.plays })}${clip.expires_at ? html` · ${t('clip.expires', { date: day(clip.expires_at) })}` : ''}</small></p>
    <audio class="clip-player" controls preload="metadata" src="/c/${clip.id}/audio"></audio>
    ${view.share ? view.share.button : html`<label class="field clip-share"><span>${t('clip.share')}</span><input type="url" readonly value="${shareUrl}"></label>`}
    <div class="actions">
      <a class="button" href="/r/${clip.room_id}">${t('clip.listenReplay')}</a>
      ${view.canDelete ? actionButton(ctx, `/c/${clip.id}/delete`, t('clip.delete'), { danger: true }) : ''}
    </div>
  </article>`;
  // Link previews (chat apps, social sites) read the tags in the head (src/sharing/share-meta.ts).
  return layout(ctx, { title: clip.title, body, head: view.share?.head });
}

/**
 * "Clip the last 30 s": live (no position) or in replay ("the 30 s before this point": `atMs` is the
 * position without JavaScript; the replay player fills `t` with its own position when submitted).
 */
export function clipButton(ctx: PageContext, roomId: string, opts: { atMs?: number } = {}): SafeHtml {
  const replay = opts.atMs !== undefined;
  return html`<form method="post" action="/r/${roomId}/clips" class="inline clip-form" title="${ctx.t(replay ? 'clip.makeHereHint' : 'clip.makeHint')}">
    ${csrfField(ctx)}${replay ? html`<input type="hidden" name="t" value="${String(Math.round(opts.atMs!))}">` : ''}
    <button type="submit" class="clip-button">✂ ${ctx.t(replay ? 'clip.makeHere' : 'clip.make')}</button>
  </form>`;
}

/** Replays on a profile (public only) or in the studio (all, with status and visibility). */
export function replayList(ctx: PageContext, replays: ReplayListing[], opts: { studio?: boolean; feedUrl?: string } = {}): SafeHtml {
  const { t } = ctx;
  const row = (r: ReplayListing) => html`<li>
    <div><a href="/r/${r.room_id}"><strong>${r.title}</strong></a><br>
    <small>${day(r.started_at)} · ${minutes((r.trim_end_ms ?? r.duration_ms) - r.trim_start_ms)} · ${t('podcast.plays', { count: r.plays })} · ${t('podcast.clips', { count: r.clips })}${
      opts.studio ? html` · <span class="badge${r.status === 'failed' ? ' warn' : ''}">${t(`podcast.status.${r.status}` as MessageKey)}</span> <span class="badge">${t(`podcast.visibility.${r.visibility}` as MessageKey)}</span>` : ''
    }</small></div>
  </li>`;
  return html`<section class="card replays">
    <h2>${opts.studio ? t('podcast.studioReplays') : t('podcast.replays')}</h2>
    ${replays.length ? html`<ul class="rows">${replays.map(row)}</ul>` : html`<p class="empty">${t('podcast.noReplays')}</p>`}
    ${opts.feedUrl ? html`<p class="feed-link"><a href="${opts.feedUrl}" type="application/rss+xml">${t('podcast.feed')}</a></p>` : ''}
  </section>`;
}

export function clipList(ctx: PageContext, clips: ClipListing[], opts: { studio?: boolean } = {}): SafeHtml {
  const { t } = ctx;
  return html`<section class="card clips">
    <h2>${opts.studio ? t('podcast.studioClips') : t('clip.heading')}</h2>
    ${
      clips.length
        ? html`<ul class="rows">${clips.map(
            (c) => html`<li><div><a href="/c/${c.id}"><strong>${c.title}</strong></a><br>
            <small>${minutes(c.duration_ms)} · @${c.creator_handle} · ${day(c.created_at)} · ${t('clip.plays', { count: c.plays })}</small></div></li>`,
          )}</ul>`
        : html`<p class="empty">${t('clip.none')}</p>`
    }
  </section>`;
}

/** A person's replays and clips: a fragment the profile or studio loads into itself, or a page. */
export function listingsPage(
  ctx: PageContext,
  view: { replays: ReplayListing[]; clips: ClipListing[]; fragment: boolean; owner: { handle: string; display_name: string }; studio?: boolean; feedUrl?: string },
): SafeHtml {
  const lists = html`${replayList(ctx, view.replays, { studio: view.studio, feedUrl: view.feedUrl })}${clipList(ctx, view.clips, { studio: view.studio })}`;
  if (view.fragment) return lists;
  const title = view.studio ? ctx.t('podcast.studioReplays') : `${ctx.t('podcast.replays')} · ${view.owner.display_name}`;
  return layout(ctx, { title, body: html`<h1>${title}</h1><p><a href="${view.studio ? '/studio' : `/@${view.owner.handle}`}">← ${view.studio ? ctx.t('studio.heading') : `@${view.owner.handle}`}</a></p>${lists}` });
}

/** Where a profile or the studio shows the lists: htmx loads them; without JavaScript, a link. */
export function listingsSlot(ctx: PageContext, id: 'profile-replays' | 'studio-replays', url: string): SafeHtml {
  return html`<div id="${id}" class="listings" hx-get="${url}" hx-trigger="load" hx-swap="innerHTML"><p><a href="${url}">${ctx.t('podcast.replays')} · ${ctx.t('clip.heading')}</a></p></div>`;
}
