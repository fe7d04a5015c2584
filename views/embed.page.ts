// The embeddable player /embed/<id> (and /embed/c/<clip id>): a page of its own for an iframe on
// another site, without the site's header, footer or forms. Replays and clips play in an <audio>
// element; a live room plays its live HLS on one click (static/build/share.js), and links out to its
// page (to take part, or when HLS cannot play).
import { html, type SafeHtml } from '../src/shared/html';
import type { ShareSubject } from '../src/sharing/share-subject';
import type { PageContext } from './layout';

export interface EmbedView {
  subject: ShareSubject;
  origin: string;
  description: string;
  /** Where a replay starts, from `?t=` (seconds). */
  startSeconds: number;
}

function shell(ctx: PageContext, title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${title} · ${ctx.instanceName}</title>
  <link rel="stylesheet" href="${ctx.asset('salon.css')}">
</head>
<body class="embed">${body}</body>
</html>`;
}

export function embedPage(ctx: PageContext, view: EmbedView): SafeHtml {
  const { t } = ctx;
  const s = view.subject;
  const pageUrl = s.kind === 'clip' ? `${view.origin}/c/${s.clip.id}` : `${view.origin}/r/${s.kind === 'scheduled' ? s.schedule.id : s.room.id}`;
  const title = s.kind === 'clip' ? s.clip.title : s.kind === 'replay' ? s.recording.title : s.kind === 'scheduled' ? s.schedule.title : s.room.title;
  const badge = s.kind === 'live' ? html`<span class="embed-badge live">● ${t('share.badge.live')}</span>` : html`<span class="embed-badge">${t(`share.badge.${s.kind === 'clip' ? 'clip' : s.kind === 'replay' ? 'replay' : 'ended'}`)}</span>`;
  const audioSrc = s.kind === 'replay' ? `/r/${s.room.id}/replay.m4a${view.startSeconds ? `#t=${view.startSeconds}` : ''}` : s.kind === 'clip' ? `/c/${s.clip.id}/audio` : null;
  const body = html`<article class="embed-player" data-kind="${s.kind}">
    <header class="embed-head">${badge} <a class="embed-instance" href="${pageUrl}" target="_blank" rel="noopener">${ctx.instanceName}</a></header>
    <h1 class="embed-title"><a href="${pageUrl}" target="_blank" rel="noopener">${title}</a></h1>
    <p class="embed-meta">${view.description}</p>
    ${
      audioSrc
        ? html`<audio class="embed-audio" controls preload="metadata" src="${audioSrc}" aria-label="${t('embed.player')}: ${title}"></audio>`
        : html`<p class="embed-actions"><button type="button" class="primary embed-play" hidden data-play="▶ ${t('embed.listen')}" data-pause="❚❚ ${t('embed.pause')}" data-connecting="${t('embed.connecting')}" data-ended="${t('embed.ended')}" data-failed="${t('embed.failed')}">▶ ${t('embed.listen')}</button>
      <a class="button embed-listen" href="${pageUrl}" target="_blank" rel="noopener">${t('embed.listenOn', { instance: ctx.instanceName })}</a>
      <span class="embed-status" role="status" aria-live="polite"></span></p>
      <audio class="embed-live" data-playlist="/r/${s.kind === 'live' ? s.room.id : ''}/live.m3u8" data-hls-player="${ctx.asset('hls-player.js')}"></audio>
      <script src="${ctx.asset('share.js')}" defer></script>`
    }
  </article>`;
  return shell(ctx, title, body);
}

/** Not embeddable (embedding off, unknown, private): a plain note instead of the player, served with 404. */
export function embedOffPage(ctx: PageContext, message: string): SafeHtml {
  return shell(ctx, ctx.instanceName, html`<article class="embed-player"><p class="embed-meta">${message}</p></article>`);
}
