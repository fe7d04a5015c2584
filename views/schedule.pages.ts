// Scheduled rooms: the form (studio and edit), the room's page before it starts (/r/<id>), and
// upcoming lists (studio, home, profiles). Times are rendered in the viewer's zone (remembered in a
// cookie); /schedules/schedule.js corrects them to the browser's zone and keeps the countdown live.
import { html, type SafeHtml } from '../src/shared/html';
import type { FieldError } from '../src/shared/form-errors';
import type { MessageKey } from '../src/i18n/messages.en';
import { actionButton, avatar, csrfField, errorText, field, formError } from './components';
import { layout, type PageContext } from './layout';
import type { ShareBits } from '../src/sharing/share-meta';

export interface ScheduleSummary {
  id: string;
  title: string;
  description: string;
  topics: string[];
  starts_at: string;
  time_zone: string;
  status: string;
  host: { handle: string; display_name: string; avatar_file: string | null };
}

/** Times as the server shows them: text in the viewer's zone, plus the zone's name. */
export interface TimeText {
  full(iso: string): string;
  short(iso: string): string;
  time(iso: string): string;
  countdown(iso: string): string;
  zone: string;
}

export const scheduleScript = (ctx: PageContext) =>
  html`<script src="/schedules/schedule.js" defer data-starts-in="${ctx.t('schedule.startsIn')}" data-starting-now="${ctx.t('schedule.startingNow')}" data-units="${[ctx.t('schedule.unit.day'), ctx.t('schedule.unit.hour'), ctx.t('schedule.unit.minute')].join('|')}"></script>`;

const when = (iso: string, text: string, format: 'full' | 'short' | 'time') => html`<time datetime="${iso}" data-format="${format}">${text}</time>`;

export interface ScheduleFormView {
  action: string;
  values: Record<string, string>;
  errors: FieldError[];
  zones: readonly string[];
  /** The zone was guessed (no choice yet): the script puts the browser's in. */
  zoneGuessed: boolean;
  recordingAllowed: boolean;
  editing: boolean;
}

export function scheduleForm(ctx: PageContext, view: ScheduleFormView): SafeHtml {
  const { t } = ctx;
  const v = view.values;
  const policy = v.speakPolicy ?? 'anyone';
  const zone = v.timeZone ?? 'UTC';
  const descriptionError = errorText(ctx, view.errors, 'description');
  const zoneError = errorText(ctx, view.errors, 'timeZone');
  const speakError = errorText(ctx, view.errors, 'speakPolicy');
  return html`<form method="post" action="${view.action}" class="schedule-form">
    ${csrfField(ctx)}
    ${formError(ctx, view.errors)}
    ${field(ctx, { name: 'title', label: t('studio.title'), value: v.title, errors: view.errors, required: true, maxlength: 100 })}
    <div class="field${descriptionError ? ' has-error' : ''}"><label for="field-description">${t('schedule.form.description')}</label>
      <textarea id="field-description" name="description" maxlength="1000" rows="3">${v.description ?? ''}</textarea>
      ${descriptionError ? html`<p class="error">${descriptionError}</p>` : ''}</div>
    ${field(ctx, { name: 'topics', label: t('studio.topics'), value: v.topics, errors: view.errors, hint: t('studio.topics.hint') })}
    <div class="when">
      ${field(ctx, { name: 'startsAt', label: t('schedule.form.startsAt'), type: 'datetime-local', value: v.startsAt, errors: view.errors, required: true })}
      <div class="field${zoneError ? ' has-error' : ''}"><label for="field-timeZone">${t('schedule.form.timeZone')}</label>
        <select id="field-timeZone" name="timeZone"${view.zoneGuessed ? html` data-browser-zone` : ''}>${view.zones.map((z) => html`<option value="${z}"${z === zone ? html` selected` : ''}>${z.replaceAll('_', ' ')}</option>`)}</select>
        ${zoneError ? html`<p class="error">${zoneError}</p>` : ''}</div>
    </div>
    <fieldset class="field"><legend>${t('studio.whoMaySpeak')}</legend>
      <label class="check"><input type="radio" name="speakPolicy" value="anyone"${policy === 'anyone' ? html` checked` : ''}> ${t('studio.speak.anyone')}</label>
      <label class="check"><input type="radio" name="speakPolicy" value="invited"${policy === 'invited' ? html` checked` : ''}> ${t('studio.speak.invited')}</label>
      ${speakError ? html`<p class="error">${speakError}</p>` : ''}
    </fieldset>
    ${field(ctx, { name: 'speakers', label: t('schedule.form.speakers'), value: v.speakers, errors: view.errors, hint: t('schedule.form.handles.hint') })}
    ${field(ctx, { name: 'cohosts', label: t('schedule.form.cohosts'), value: v.cohosts, errors: view.errors })}
    ${view.recordingAllowed ? html`<label class="check record-choice"><input type="checkbox" name="recordIntent" value="1"${v.recordIntent ? html` checked` : ''}> ${t('studio.record')}</label>` : ''}
    <p><button type="submit" class="primary">${t(view.editing ? 'schedule.form.save' : 'schedule.form.submit')}</button></p>
  </form>`;
}

export function scheduleFormPage(ctx: PageContext, view: ScheduleFormView & { backTo: string }) {
  const title = ctx.t(view.editing ? 'schedule.form.editHeading' : 'schedule.form.heading');
  return layout(ctx, {
    title,
    body: html`<h1>${title}</h1><p><a href="${view.backTo}">← ${ctx.t('schedule.form.back')}</a></p>
    <section class="card">${scheduleForm(ctx, view)}</section>${scheduleScript(ctx)}`,
  });
}

/** The studio's section: my scheduled rooms (edit, cancel, start) and the way to the form to schedule one. */
export function studioSchedules(ctx: PageContext, view: { rooms: ScheduleSummary[]; times: TimeText; canSchedule: boolean; startable: Set<string> }) {
  const { t } = ctx;
  const row = (r: ScheduleSummary) => html`<li class="scheduled-row">
    <div><a href="/r/${r.id}"><strong>${r.title}</strong></a><br><small>${when(r.starts_at, view.times.short(r.starts_at), 'short')}</small></div>
    <div class="actions">
      ${view.startable.has(r.id) ? actionButton(ctx, `/r/${r.id}/start`, t('schedule.start')) : ''}
      <a class="button" href="/r/${r.id}/edit">${t('schedule.edit')}</a>
      ${actionButton(ctx, `/r/${r.id}/cancel`, t('schedule.cancel'), { danger: true })}
    </div>
  </li>`;
  return html`<section class="card" id="scheduled">
    <h2>${t('schedule.yours')}</h2>
    ${view.rooms.length ? html`<ul class="rows">${view.rooms.map(row)}</ul>` : html`<p class="empty">${t('schedule.noUpcoming')}</p>`}
    ${view.canSchedule ? html`<p><a class="button primary" href="/studio/schedule">${t('schedule.form.heading')}</a></p>` : ''}
  </section>${scheduleScript(ctx)}`;
}

/** Upcoming rooms as cards (home, profiles, /upcoming). */
export function upcomingList(ctx: PageContext, view: { rooms: ScheduleSummary[]; times: TimeText; showHost: boolean; calendarUrl?: string; heading?: string }) {
  const { t } = ctx;
  const card = (r: ScheduleSummary) => html`<li class="room-card upcoming-card">
    <a href="/r/${r.id}" class="room-link">
      <p class="when-line"><span class="badge">${t('schedule.badge')}</span> ${when(r.starts_at, view.times.short(r.starts_at), 'short')}</p>
      <h3>${r.title}</h3>
      ${r.topics.length ? html`<p class="topics">${r.topics.map((topic) => html`<span class="topic">#${topic}</span> `)}</p>` : ''}
      ${view.showHost ? html`<p class="speakers"><span class="speaker">${avatar(r.host, 28)} ${r.host.display_name}</span></p>` : ''}
    </a>
  </li>`;
  return html`<section class="upcoming" aria-labelledby="upcoming-title">
    <h2 id="upcoming-title">${view.heading ?? t('schedule.upcoming')}</h2>
    ${view.rooms.length ? html`<ul class="room-cards">${view.rooms.map(card)}</ul>` : html`<p class="empty">${t('schedule.noUpcoming')}</p>`}
    ${view.calendarUrl ? html`<p class="subscribe"><a href="${view.calendarUrl}">${t('schedule.subscribe')}</a></p>` : ''}
  </section>${scheduleScript(ctx)}`;
}

export function upcomingPage(ctx: PageContext, view: Parameters<typeof upcomingList>[1] & { title: string }) {
  return layout(ctx, { title: view.title, body: html`<h1>${view.title}</h1>${upcomingList(ctx, { ...view, heading: ctx.t('schedule.upcoming') })}` });
}

/** The lazy slot home and profiles carry: htmx fills it, without JavaScript it is a link. */
export function upcomingSlot(ctx: PageContext, id: 'home-upcoming' | 'profile-upcoming', url: string): SafeHtml {
  return html`<div id="${id}" class="listings" hx-get="${url}" hx-trigger="load" hx-swap="innerHTML"><p><a href="${url}">${ctx.t('schedule.seeAll')}</a></p></div>`;
}

export interface ScheduledRoomView {
  room: ScheduleSummary;
  times: TimeText;
  /** Invitees the viewer may see: everyone's accepted ones; the host sees every answer. */
  speakers: { handle: string; display_name: string; avatar_file: string | null; kind: 'speaker' | 'cohost'; status: string }[];
  isHost: boolean;
  /** The viewer's own invitation, if any. */
  invitation: { kind: 'speaker' | 'cohost'; status: string } | null;
  reminder: boolean;
  reminderCount: number;
  shareUrl: string;
  /** Link preview tags and the share button. */
  share?: ShareBits;
  /** For the host: when "Start now" opens (null = it is open). */
  startOpensAt: string | null;
  errors: FieldError[];
}

export function scheduledRoomPage(ctx: PageContext, view: ScheduledRoomView) {
  const { t } = ctx;
  const { room } = view;
  const open = room.status === 'scheduled';
  const invitation = view.invitation;
  const body = html`<article class="room scheduled-room" data-room-id="${room.id}">
    <header class="room-head">
      <div class="room-title"><h1>${room.title}</h1><span class="badge${open ? '' : ' warn'}">${open ? t('schedule.badge') : t(`schedule.status.${room.status === 'missed' ? 'missed' : 'cancelled'}` as MessageKey)}</span></div>
      ${room.topics.length ? html`<p class="topics">${room.topics.map((topic) => html`<span class="topic">#${topic}</span> `)}</p>` : ''}
      <p class="hosted-by">${t('room.hostedBy')} <a href="/@${room.host.handle}">${room.host.display_name}</a></p>
      ${view.share?.button ?? ''}
    </header>
    ${formError(ctx, view.errors)}
    ${
      open
        ? html`<p class="starts">${when(room.starts_at, view.times.full(room.starts_at), 'full')}</p>
    <p class="countdown" data-countdown="${room.starts_at}" aria-live="off">${view.times.countdown(room.starts_at)}</p>
    <p class="hint" data-template="${t('schedule.timesIn')}" data-zone-note>${t('schedule.timesIn', { zone: view.times.zone.replaceAll('_', ' ') })}</p>`
        : html`<p class="notice warn">${t(room.status === 'missed' ? 'schedule.status.missed' : 'schedule.status.cancelled')}</p>`
    }
    ${room.description ? html`<p class="description">${room.description}</p>` : ''}
    ${
      view.speakers.length
        ? html`<section aria-label="${t('schedule.speakers')}"><h2>${t('schedule.speakers')}</h2><ul class="stage">${view.speakers.map(
            (s) => html`<li class="member">${avatar(s, 64)}<span class="name"><a href="/@${s.handle}">${s.display_name}</a></span>
            <span class="role">${t(`schedule.role.${s.kind}`)}${s.status === 'pending' ? html` · ${t('schedule.invite.pending')}` : s.status === 'declined' ? html` · ${t('schedule.invite.declined')}` : ''}</span></li>`,
          )}</ul></section>`
        : ''
    }
    ${
      open && invitation
        ? html`<section class="card invitation-card" id="invitation">
      <p><strong>${t(invitation.kind === 'cohost' ? 'schedule.invitedAs.cohost' : 'schedule.invitedAs.speaker')}</strong></p>
      ${invitation.status === 'accepted' ? html`<p class="notice ok">${t('schedule.accepted')}</p>` : invitation.status === 'declined' ? html`<p class="notice">${t('schedule.declined')}</p>` : ''}
      <div class="actions">
        ${invitation.status !== 'accepted' ? answerButton(ctx, room.id, 'accept', t('schedule.accept')) : ''}
        ${invitation.status !== 'declined' ? answerButton(ctx, room.id, 'decline', t('schedule.decline')) : ''}
      </div></section>`
        : ''
    }
    ${
      open
        ? html`<div class="actions schedule-actions">
      ${view.isHost ? hostActions(ctx, view) : reminderButton(ctx, room.id, view.reminder)}
      <a class="button" href="/r/${room.id}/calendar.ics" download="${room.id}.ics">${t('schedule.addToCalendar')}</a>
    </div>
    ${view.reminderCount > 0 && view.isHost ? html`<p class="hint">${t('schedule.reminders', { count: view.reminderCount })}</p>` : ''}
    ${view.share ? '' : html`<div class="field share"><label for="share-link">${t('schedule.share')}</label><input id="share-link" type="url" readonly value="${view.shareUrl}"></div>`}`
        : ''
    }
  </article>${scheduleScript(ctx)}`;
  return layout(ctx, { title: room.title, body, head: view.share?.head });
}

function answerButton(ctx: PageContext, roomId: string, answer: 'accept' | 'decline', label: string) {
  return html`<form method="post" action="/r/${roomId}/invitation" class="inline">${csrfField(ctx)}<input type="hidden" name="answer" value="${answer}"><button type="submit"${answer === 'accept' ? html` class="primary"` : ''}>${label}</button></form>`;
}

function hostActions(ctx: PageContext, view: ScheduledRoomView) {
  const { t } = ctx;
  const id = view.room.id;
  return html`${view.startOpensAt ? html`<p class="hint" data-template="${t('schedule.canStartFrom')}" data-time="${view.startOpensAt}">${t('schedule.canStartFrom', { time: view.times.time(view.startOpensAt) })}</p>` : actionButton(ctx, `/r/${id}/start`, t('schedule.start'))}
    <a class="button" href="/r/${id}/edit">${t('schedule.edit')}</a>
    ${actionButton(ctx, `/r/${id}/cancel`, t('schedule.cancel'), { danger: true })}`;
}

/** "Remind me" / "Cancel reminder"; htmx swaps the button in place. Anonymous visitors are asked to sign in. */
export function reminderButton(ctx: PageContext, roomId: string, on: boolean): SafeHtml {
  const { t } = ctx;
  if (!ctx.viewer) return html`<a class="button primary" href="/login?next=${encodeURIComponent(`/r/${roomId}`)}">${t('schedule.signInToRemind')}</a>`;
  return html`<span id="reminder-${roomId}" class="reminder">${
    on
      ? html`<span class="hint">${t('schedule.reminderSet')}</span> ${actionButton(ctx, `/r/${roomId}/remind/cancel`, t('schedule.cancelReminder'), { target: `#reminder-${roomId}` })}`
      : html`<form method="post" action="/r/${roomId}/remind" class="inline" hx-target="#reminder-${roomId}" hx-swap="outerHTML">${csrfField(ctx)}<button type="submit" class="primary">${t('schedule.remindMe')}</button></form>`
  }</span>`;
}
