// The replay of an ended room at /r/<id>: an <audio> player that works without JavaScript (the
// replay-player script adds the waveform, speed, chapters that seek and the share link), the
// speaker timeline, downloads, and the host's management form.
import { html, type SafeHtml } from '../src/shared/html';
import type { Recording, Room, User } from '../src/db/schema';
import type { FieldError } from '../src/shared/form-errors';
import type { MessageKey } from '../src/i18n/messages.en';
import { clipButton } from './clip.page';
import { csrfField, errorText, field } from './components';
import { layout, type PageContext } from './layout';

export interface ReplayChapterView {
  name: string;
  startMs: number;
  /** `1:02:03` */
  startLabel: string;
  durationLabel: string;
  /** `?t=` value of its start. */
  shareT: string;
}

export interface ReplayView {
  room: Room;
  host: User;
  recording: Recording;
  canManage: boolean;
  isSpeaker: boolean;
  hiddenByViewer: boolean;
  speakers: { name: string; handle: string | null }[];
  chapters: ReplayChapterView[];
  durationLabel: string;
  durationMs: number;
  dateLabel: string;
  /** Where playback starts (`?t=`), ms. */
  startMs: number;
  /** The clip button's position without JavaScript (ms), or null when this viewer may not clip. */
  clipAtMs: number | null;
  /** Form values (as typed) and errors when the management form was refused. */
  values: Record<string, string>;
  errors: FieldError[];
  trimStartValue: string;
  trimEndValue: string;
  /** Link preview tags (src/sharing/share-meta.ts). */
  shareHead?: SafeHtml;
}

const playerKeys = ['replay.play', 'replay.pause', 'replay.speed', 'replay.copyLink', 'replay.copied', 'replay.waveform'] as const satisfies readonly MessageKey[];

function player(ctx: PageContext, view: ReplayView) {
  const { t } = ctx;
  const base = `/r/${view.room.id}`;
  // A media fragment starts plain <audio> at ?t= without JavaScript too.
  const fragment = view.startMs ? `#t=${(view.startMs / 1000).toFixed(0)}` : '';
  return html`<section class="replay-player" aria-label="${t('replay.player')}">
    <audio id="replay-audio" controls preload="metadata">
      <source src="${base}/replay.opus${fragment}" type="audio/ogg; codecs=opus">
      <source src="${base}/replay.m4a${fragment}" type="audio/mp4">
      <a href="${base}/replay.m4a">${t('replay.listenFile')}</a>
    </audio>
    <div class="replay-waveform" id="replay-waveform" hidden><canvas width="800" height="80" aria-label="${t('replay.waveform')}" role="slider" tabindex="0" aria-valuemin="0" aria-valuemax="${Math.round(view.durationMs / 1000)}" aria-valuenow="0"></canvas></div>
    <div class="replay-controls" id="replay-controls" hidden>
      <button type="button" class="replay-toggle" id="replay-toggle">${t('replay.play')}</button>
      <span class="replay-time" id="replay-time" aria-live="off">0:00 / ${view.durationLabel}</span>
      <span class="replay-speeds" role="group" aria-label="${t('replay.speed')}">${['1', '1.25', '1.5', '2'].map((rate) => html`<button type="button" class="replay-speed" data-rate="${rate}" aria-pressed="${rate === '1' ? 'true' : 'false'}">${rate}×</button>`)}</span>
      <button type="button" class="replay-share" id="replay-share">${t('replay.copyLink')}</button>
      <input type="text" class="replay-share-url" id="replay-share-url" readonly hidden aria-label="${t('replay.shareLink')}">
    </div>
    ${view.clipAtMs !== null ? html`<div class="replay-clip" id="replay-clip">${clipButton(ctx, view.room.id, { atMs: view.clipAtMs })}</div>` : ''}
  </section>`;
}

function chapters(ctx: PageContext, view: ReplayView) {
  if (!view.chapters.length) return '';
  return html`<section class="replay-chapters" aria-labelledby="chapters-title"><h2 id="chapters-title">${ctx.t('replay.timeline')}</h2>
    <ol class="chapters">${view.chapters.map(
      (c) => html`<li><a class="chapter" hx-boost="false" href="/r/${view.room.id}?t=${c.shareT}" data-start-ms="${c.startMs}"><span class="chapter-time">${c.startLabel}</span> <span class="chapter-name">${c.name}</span></a> <span class="chapter-length">${c.durationLabel}</span></li>`,
    )}</ol></section>`;
}

function statusNotice(ctx: PageContext, view: ReplayView) {
  const { t } = ctx;
  const { status, error } = view.recording;
  if (status === 'recording' || status === 'processing') return html`<p class="notice" role="status">${t('replay.preparing')}</p>`;
  if (status === 'empty') return html`<p class="notice">${t('replay.empty')}</p>`;
  if (status === 'failed') return html`<p class="notice warn" role="alert">${view.canManage ? t('replay.failedHost', { error: error ?? '' }) : t('replay.unavailable')}</p>`;
  return '';
}

function radio(ctx: PageContext, name: string, current: string, options: readonly string[], prefix: string) {
  return html`${options.map((o) => html`<label class="choice"><input type="radio" name="${name}" value="${o}"${o === current ? html` checked` : ''}> ${ctx.t(`${prefix}${o}` as MessageKey)}</label>`)}`;
}

function manage(ctx: PageContext, view: ReplayView) {
  const { t } = ctx;
  const r = view.recording;
  const v = (name: string, fallback: string) => view.values[name] ?? fallback;
  const descriptionError = errorText(ctx, view.errors, 'description');
  return html`<details class="replay-manage" id="replay-manage"${view.errors.length ? html` open` : ''}><summary>${t('replay.manage')}</summary>
    <form method="post" action="/r/${view.room.id}/replay" class="stack">${csrfField(ctx)}
      ${field(ctx, { name: 'title', label: t('replay.title'), value: v('title', r.title), errors: view.errors, required: true, maxlength: 100 })}
      <div class="field${descriptionError ? ' has-error' : ''}"><label for="field-description">${t('replay.description')}</label>
        <textarea id="field-description" name="description" maxlength="2000" rows="3">${v('description', r.description)}</textarea>
        ${descriptionError ? html`<p class="error">${descriptionError}</p>` : ''}</div>
      <fieldset><legend>${t('replay.visibility')}</legend>${radio(ctx, 'visibility', v('visibility', r.visibility), ['public', 'unlisted', 'private'], 'replay.visibility.')}</fieldset>
      <fieldset><legend>${t('replay.clipPolicy')}</legend>${radio(ctx, 'clipPolicy', v('clipPolicy', r.clip_policy), ['anyone', 'hosts', 'off'], 'replay.clipPolicy.')}</fieldset>
      <input type="hidden" name="downloads" value="no">
      <label class="choice"><input type="checkbox" name="downloads" value="yes"${r.downloads_allowed ? html` checked` : ''}> ${t('replay.downloadsAllowed')}</label>
      <fieldset class="trim"><legend>${t('replay.trim')}</legend>
        ${field(ctx, { name: 'trimStart', label: t('replay.trimStart'), value: v('trimStart', view.trimStartValue), errors: view.errors, hint: t('replay.trimHint') })}
        ${field(ctx, { name: 'trimEnd', label: t('replay.trimEnd'), value: v('trimEnd', view.trimEndValue), errors: view.errors })}
      </fieldset>
      <button type="submit">${t('replay.save')}</button>
    </form>
    <form method="post" action="/r/${view.room.id}/replay/delete" class="inline">${csrfField(ctx)}<button type="submit" class="danger">${t('replay.delete')}</button></form>
  </details>`;
}

export function replayPage(ctx: PageContext, view: ReplayView) {
  const { t } = ctx;
  const { room, host, recording } = view;
  const strings = Object.fromEntries(playerKeys.map((k) => [k, t(k)]));
  const ready = recording.status === 'ready';
  const body = html`<article class="room replay" id="replay" data-room-id="${room.id}" data-start-ms="${view.startMs}" data-duration-ms="${view.durationMs}" data-artwork="${host.avatar_file ? `/avatars/${host.avatar_file}` : ctx.asset('icon-512.png')}" data-strings="${JSON.stringify(strings)}">
    <header class="room-head">
      <div class="room-title"><h1>${recording.title}</h1><span class="replay-badge">${t('replay.badge')}</span></div>
      <p class="hosted-by">${t('room.hostedBy')} <a href="/@${host.handle}">${host.display_name}</a></p>
      <p class="replay-meta"><time datetime="${room.started_at ?? room.created_at}">${view.dateLabel}</time> · ${view.durationLabel}${ready ? html` · <span id="replay-plays">${t('replay.plays', { count: recording.plays })}</span>` : ''}${recording.visibility === 'public' ? '' : html` · ${t(`replay.visibility.${recording.visibility}` as MessageKey)}`}</p>
    </header>
    ${recording.description ? html`<p class="replay-description">${recording.description}</p>` : ''}
    ${statusNotice(ctx, view)}
    ${ready ? player(ctx, view) : ''}
    ${view.speakers.length ? html`<p class="replay-speakers"><strong>${t('replay.speakers')}</strong> ${view.speakers.map((s, i) => html`${i ? ', ' : ''}${s.handle ? html`<a href="/@${s.handle}">${s.name}</a>` : s.name}`)}</p>` : ''}
    ${ready ? chapters(ctx, view) : ''}
    ${ready && recording.downloads_allowed ? html`<p class="replay-downloads">${t('replay.download')}: <a href="/r/${room.id}/replay.m4a?download=1" download>M4A (AAC)</a> · <a href="/r/${room.id}/replay.opus?download=1" download>Opus</a></p>` : ''}
    ${
      view.isSpeaker
        ? html`<form method="post" action="/r/${room.id}/replay/profile" class="inline">${csrfField(ctx)}<input type="hidden" name="hidden" value="${view.hiddenByViewer ? 'no' : 'yes'}"><button type="submit">${t(view.hiddenByViewer ? 'replay.showOnProfile' : 'replay.hideFromProfile')}</button></form>`
        : ''
    }
    ${view.canManage ? html`<p class="analytics-link"><a href="/r/${room.id}/analytics">${t('analytics.link')}</a></p>` : ''}
    ${view.canManage ? manage(ctx, view) : ''}
    ${ready ? html`<script src="${ctx.asset('replay-player.js')}" defer></script>` : ''}
  </article>`;
  return layout(ctx, { title: recording.title, body, head: view.shareHead });
}

export function replayDeletePage(ctx: PageContext, view: { room: Room; recording: Recording }) {
  const { t } = ctx;
  const body = html`<article class="replay-delete">
    <h1>${t('replay.deleteTitle')}</h1>
    <p>${t('replay.deleteConfirmText', { title: view.recording.title })}</p>
    <form method="post" action="/r/${view.room.id}/replay/delete" class="inline">${csrfField(ctx)}<input type="hidden" name="confirm" value="yes"><button type="submit" class="danger">${t('replay.deleteConfirm')}</button></form>
    <a href="/r/${view.room.id}">${t('replay.cancel')}</a>
  </article>`;
  return layout(ctx, { title: t('replay.deleteTitle'), body });
}
