// The host's studio /studio: start a room, see my live and past rooms.
import { html, type SafeHtml } from '../src/shared/html';
import type { Room } from '../src/db/schema';
import type { FieldError } from '../src/shared/form-errors';
import type { HostingEligibility } from '../src/accounts/hosting.service';
import type { MessageKey } from '../src/i18n/messages.en';
import { actionButton, csrfField, errorText, field, formError } from './components';
import { hostingStatus } from './settings.pages';
import { layout, type PageContext } from './layout';
import { listingsSlot } from './clip.page';

export interface StudioView {
  hosting: HostingEligibility;
  rooms: (Room & { listenerCount?: number })[];
  values: Record<string, string>;
  errors: FieldError[];
  /** The instance lets hosts record rooms (else no "record" choice is offered). */
  recordingAllowed: boolean;
  /** My scheduled rooms and the form to schedule one (views/schedule.pages.ts). */
  scheduled?: SafeHtml;
}

export function studioPage(ctx: PageContext, view: StudioView) {
  const { t } = ctx;
  const live = view.rooms.filter((r) => r.status === 'live');
  const past = view.rooms.filter((r) => r.status === 'ended');
  const policy = view.values.speakPolicy ?? 'anyone';
  const newRoom = html`<section class="card">
    <h2>${t('studio.newRoom')}</h2>
    ${hostingStatus(ctx, view.hosting)}
    ${formError(ctx, view.errors)}
    ${
      view.hosting.allowed
        ? html`<form method="post" action="/studio/rooms">
      ${csrfField(ctx)}
      ${field(ctx, { name: 'title', label: t('studio.title'), value: view.values.title, errors: view.errors, required: true, maxlength: 100 })}
      ${field(ctx, { name: 'topics', label: t('studio.topics'), value: view.values.topics, errors: view.errors, hint: t('studio.topics.hint') })}
      <fieldset class="field"><legend>${t('studio.whoMaySpeak')}</legend>
        <label class="check"><input type="radio" name="speakPolicy" value="anyone"${policy === 'anyone' ? html` checked` : ''}> ${t('studio.speak.anyone')}</label>
        <label class="check"><input type="radio" name="speakPolicy" value="invited"${policy === 'invited' ? html` checked` : ''}> ${t('studio.speak.invited')}</label>
        ${errorText(ctx, view.errors, 'speakPolicy') ? html`<p class="error">${errorText(ctx, view.errors, 'speakPolicy')}</p>` : ''}
      </fieldset>
      ${view.recordingAllowed ? html`<label class="check record-choice"><input type="checkbox" name="recordIntent" value="1"${view.values.recordIntent ? html` checked` : ''}> ${t('studio.record')}</label>` : ''}
      <p><button type="submit" class="primary">${t('studio.startNow')}</button></p>
    </form>`
        : ''
    }
  </section>`;
  const roomRow = (r: Room & { listenerCount?: number }) => html`<li>
    <div><a href="/r/${r.id}"><strong>${r.title}</strong></a><br>
    <small>${r.status === 'live' ? html`<span class="badge live">${t('room.liveNow')}</span> ${r.listenerCount ?? 0} ${t('room.listeners')}` : html`${(r.ended_at ?? r.created_at).slice(0, 16).replace('T', ' ')} · ${t(`studio.endReason.${r.end_reason ?? 'host'}` as MessageKey)} · ${t('studio.peak', { count: r.peak_listeners })}`}</small></div>
    <span class="row-actions"><a href="/r/${r.id}/analytics" class="analytics-link">${t('analytics.link')}</a>
    ${r.status === 'live' ? actionButton(ctx, `/r/${r.id}/end`, t('room.end'), { danger: true }) : ''}</span>
  </li>`;
  return layout(ctx, {
    title: t('studio.heading'),
    body: html`<h1>${t('studio.heading')}</h1>
    ${live.length ? html`<section class="card"><h2>${t('studio.live')}</h2><ul class="rows">${live.map(roomRow)}</ul></section>` : newRoom}
    ${view.scheduled ?? ''}
    <section class="card"><h2>${t('studio.past')}</h2>
      ${past.length ? html`<ul class="rows">${past.map(roomRow)}</ul>` : html`<p class="empty">${t('studio.noPast')}</p>`}
    </section>
    ${listingsSlot(ctx, 'studio-replays', '/studio/replays')}
    <div id="studio-reports" hx-get="/studio/reports" hx-trigger="load" hx-swap="outerHTML"><p><a href="/studio/reports">${t('reports.studioHeading')}</a></p></div>`,
  });
}
