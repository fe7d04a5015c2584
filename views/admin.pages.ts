// Admin pages: instance settings and user management.
import { html } from '../src/shared/html';
import type { User } from '../src/db/schema';
import type { FieldError } from '../src/shared/form-errors';
import type { InstanceSettings, RegistrationMode } from '../src/settings/settings.schema';
import type { StorageReport } from '../src/admin/admin.service';
import { actionButton, csrfField, errorText, field, formError } from './components';
import { layout, type PageContext } from './layout';

export function adminNav(ctx: PageContext, current: string) {
  const link = (href: string, key: Parameters<PageContext['t']>[0]) =>
    html`<a href="${href}"${href === current ? html` aria-current="page"` : ''}>${ctx.t(key)}</a>`;
  return html`<nav class="tabs">${link('/admin', 'dashboard.tab')} ${link('/admin/settings', 'admin.settings')} ${link('/admin/users', 'admin.users')} ${link('/admin/rooms', 'admin.liveRooms')} ${link('/admin/reports', 'reports.title')} ${link('/admin/storage', 'admin.recording.storage')} ${link('/admin/email', 'mail.admin.tab')} ${link('/admin/network', 'admin.network')} ${link('/admin/audit', 'audit.tab')}</nav>`;
}

export interface AdminSettingsView {
  values: Record<string, string | number>;
  errors: FieldError[];
  saved?: boolean;
  /** The registration modes to choose from, in order. */
  registrationModes: readonly RegistrationMode[];
  /** Pages are not served over https (see /admin/network): people on other machines cannot speak. */
  httpsProblem?: 'noPublicUrl' | 'notHttps' | null;
}

export function adminSettingsPage(ctx: PageContext, view: AdminSettingsView) {
  const { t } = ctx;
  const v = view.values;
  const select = (name: string, options: readonly { value: string; label: string }[]) => {
    const error = errorText(ctx, view.errors, name);
    return html`<div class="field${error ? ' has-error' : ''}"><label for="field-${name}">${t(`admin.setting.${name}` as Parameters<PageContext['t']>[0])}</label>
      <select id="field-${name}" name="${name}">${options.map((o) => html`<option value="${o.value}"${String(v[name]) === o.value ? html` selected` : ''}>${o.label}</option>`)}</select>
      ${error ? html`<p class="error">${error}</p>` : ''}</div>`;
  };
  const descriptionError = errorText(ctx, view.errors, 'instanceDescription');
  return layout(ctx, {
    title: t('admin.settings'),
    body: html`<h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin/settings')}
    ${view.httpsProblem ? html`<p class="notice warn" id="https-warning">${t('admin.network.https.warnShort')} <a href="/admin/network#https">${t('admin.network.https.seeNetwork')}</a></p>` : ''}
    ${view.saved ? html`<p class="notice ok" role="status">${t('form.saved')}</p>` : ''}
    ${formError(ctx, view.errors)}
    <form method="post" action="/admin/settings" class="card">
      ${csrfField(ctx)}
      ${field(ctx, { name: 'instanceName', label: t('admin.setting.instanceName'), value: v.instanceName, errors: view.errors, required: true, maxlength: 60 })}
      <div class="field${descriptionError ? ' has-error' : ''}"><label for="field-instanceDescription">${t('admin.setting.instanceDescription')}</label>
        <textarea id="field-instanceDescription" name="instanceDescription" maxlength="500" rows="3">${v.instanceDescription}</textarea>
        ${descriptionError ? html`<p class="error">${descriptionError}</p>` : ''}</div>
      ${select('registrationMode', view.registrationModes.map((m) => ({ value: m, label: t(`admin.mode.${m}`) })))}
      ${field(ctx, { name: 'inviteQuota', label: t('admin.setting.inviteQuota'), type: 'number', value: v.inviteQuota, errors: view.errors })}
      ${field(ctx, { name: 'hostMinFollowers', label: t('admin.setting.hostMinFollowers'), type: 'number', value: v.hostMinFollowers, errors: view.errors, hint: t('admin.setting.hostMinFollowers.hint') })}
      ${select('defaultLanguage', ctx.languages.map((l) => ({ value: l.code, label: l.name })))}
      ${field(ctx, { name: 'signupsPerIpPerHour', label: t('admin.setting.signupsPerIpPerHour'), type: 'number', value: v.signupsPerIpPerHour, errors: view.errors })}
      <h2>${t('admin.rooms')}</h2>
      ${field(ctx, { name: 'maxListenersPerRoom', label: t('admin.setting.maxListenersPerRoom'), type: 'number', value: v.maxListenersPerRoom, errors: view.errors, hint: t('admin.setting.maxListenersPerRoom.hint') })}
      ${field(ctx, { name: 'maxCohostsPerRoom', label: t('admin.setting.maxCohostsPerRoom'), type: 'number', value: v.maxCohostsPerRoom, errors: view.errors })}
      ${field(ctx, { name: 'maxSpeakersPerRoom', label: t('admin.setting.maxSpeakersPerRoom'), type: 'number', value: v.maxSpeakersPerRoom, errors: view.errors })}
      ${field(ctx, { name: 'roomGraceMinutes', label: t('admin.setting.roomGraceMinutes'), type: 'number', value: v.roomGraceMinutes, errors: view.errors, hint: t('admin.setting.roomGraceMinutes.hint') })}
      ${select('requireAccountToListen', [{ value: 'no', label: t('admin.listen.anyone') }, { value: 'yes', label: t('admin.listen.account') }])}
      ${field(ctx, { name: 'anonymousListenersPerIpPerHour', label: t('admin.setting.anonymousListenersPerIpPerHour'), type: 'number', value: v.anonymousListenersPerIpPerHour, errors: view.errors, hint: t('admin.setting.perIp.hint') })}
      ${field(ctx, { name: 'roomSocketsPerIp', label: t('admin.setting.roomSocketsPerIp'), type: 'number', value: v.roomSocketsPerIp, errors: view.errors, hint: t('admin.setting.perIp.hint') })}
      ${field(ctx, { name: 'webrtcListenersPerRoom', label: t('hls.admin.webrtcListenersPerRoom'), type: 'number', value: v.webrtcListenersPerRoom, errors: view.errors, hint: t('hls.admin.webrtcListenersPerRoom.hint') })}
      ${field(ctx, { name: 'webrtcListenersPerServer', label: t('hls.admin.webrtcListenersPerServer'), type: 'number', value: v.webrtcListenersPerServer, errors: view.errors, hint: t('hls.admin.webrtcListenersPerServer.hint') })}
      <h2 id="scheduling">${t('schedule.admin.heading')}</h2>
      ${field(ctx, { name: 'scheduleMaxDaysAhead', label: t('schedule.admin.maxDaysAhead'), type: 'number', value: v.scheduleMaxDaysAhead, errors: view.errors })}
      ${field(ctx, { name: 'maxUpcomingPerHost', label: t('schedule.admin.maxUpcoming'), type: 'number', value: v.maxUpcomingPerHost, errors: view.errors })}
      ${field(ctx, { name: 'scheduleGraceMinutes', label: t('schedule.admin.graceMinutes'), type: 'number', value: v.scheduleGraceMinutes, errors: view.errors, hint: t('schedule.admin.graceMinutes.hint') })}
      <h2 id="recording">${t('admin.recording.heading')}</h2>
      ${select('recordingAllowed', [{ value: 'yes', label: t('admin.recording.allowed') }, { value: 'no', label: t('admin.recording.forbidden') }])}
      ${select('embeddingAllowed', [{ value: 'yes', label: t('embed.allowed') }, { value: 'no', label: t('embed.forbidden') }])}
      ${field(ctx, { name: 'replayRetentionDays', label: t('admin.setting.replayRetentionDays'), type: 'number', value: v.replayRetentionDays, errors: view.errors, hint: t('admin.setting.replayRetentionDays.hint') })}
      ${field(ctx, { name: 'hostStorageQuotaMb', label: t('admin.setting.hostStorageQuotaMb'), type: 'number', value: v.hostStorageQuotaMb, errors: view.errors, hint: t('admin.setting.hostStorageQuotaMb.hint') })}
      ${field(ctx, { name: 'clipRetentionDays', label: t('admin.setting.clipRetentionDays'), type: 'number', value: v.clipRetentionDays, errors: view.errors, hint: t('admin.setting.clipRetentionDays.hint') })}
      <h2 id="reports">${t('reports.setting.heading')}</h2>
      ${field(ctx, { name: 'evidenceSeconds', label: t('reports.setting.evidenceSeconds'), type: 'number', value: v.evidenceSeconds, errors: view.errors, hint: t('reports.setting.evidenceSeconds.hint') })}
      ${field(ctx, { name: 'evidenceRetentionDays', label: t('reports.setting.evidenceRetentionDays'), type: 'number', value: v.evidenceRetentionDays, errors: view.errors })}
      ${field(ctx, { name: 'evidenceActionedExtraDays', label: t('reports.setting.evidenceActionedExtraDays'), type: 'number', value: v.evidenceActionedExtraDays, errors: view.errors, hint: t('reports.setting.evidenceActionedExtraDays.hint') })}
      <button type="submit" class="primary">${t('form.save')}</button>
    </form>`,
  });
}

/** Bytes for people: KB, MB or GB (of 1024, like the quota), one decimal, in the page's language. */
export function formatBytes(ctx: PageContext, bytes: number): string {
  const number = (n: number) => new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 1 }).format(n);
  const kb = bytes / 1024;
  if (kb < 1024) return ctx.t('admin.recording.kb', { n: number(kb) });
  if (kb < 1024 * 1024) return ctx.t('admin.recording.mb', { n: number(kb / 1024) });
  return ctx.t('admin.recording.gb', { n: number(kb / 1024 / 1024) });
}

/** /admin/storage: what recordings and clips hold on disk, per host, the largest first. */
export function adminStoragePage(ctx: PageContext, report: StorageReport, quotaMb: number) {
  const { t } = ctx;
  const quota = quotaMb > 0 ? formatBytes(ctx, quotaMb * 1024 * 1024) : t('admin.recording.noQuota');
  const number = (n: number) => new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 1 }).format(n);
  const host = (h: StorageReport['hosts'][number]) => html`<li id="host-${h.hostId}"><div>
    <a href="/@${h.handle}"><strong>${h.displayName}</strong> @${h.handle}</a><br>
    <span>${h.percentUsed === null ? formatBytes(ctx, h.usedBytes) : t('admin.recording.ofQuota', { used: formatBytes(ctx, h.usedBytes), quota, percent: number(h.percentUsed) })}</span>
    ${h.percentUsed === null ? '' : html`<meter min="0" max="100" low="80" high="95" optimum="0" value="${Math.min(100, h.percentUsed)}" aria-label="${t('admin.recording.quotaUsed')}"></meter>`}<br>
    <small>${t('admin.recording.counts', { replays: h.replays, replayBytes: formatBytes(ctx, h.recordingBytes), clips: h.clips, clipBytes: formatBytes(ctx, h.clipBytes) })}</small>
  </div></li>`;
  return layout(ctx, {
    title: t('admin.recording.storage'),
    body: html`<h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin/storage')}
    <section class="card"><h2>${t('admin.recording.storageHeading')}</h2>
      <p><strong>${t('admin.recording.total', { total: formatBytes(ctx, report.totalBytes) })}</strong><br>
        <small>${t('admin.recording.split', { replays: formatBytes(ctx, report.recordingBytes), clips: formatBytes(ctx, report.clipBytes) })} · ${t('admin.recording.quotaPerHost', { quota })} · <a href="/admin/settings#recording">${t('admin.recording.changeSettings')}</a></small></p>
    </section>
    ${report.hosts.length ? html`<ul class="rows">${report.hosts.map(host)}</ul>` : html`<p class="empty">${t('admin.recording.none')}</p>`}`,
  });
}

export const settingsFormValues = (s: Readonly<InstanceSettings>): Record<string, string | number> => ({ ...s });

export function adminUsersPage(
  ctx: PageContext,
  view: { users: (User & { followers: number })[]; query: string; page: number; hasMore: boolean; values: Record<string, string>; errors: FieldError[]; created?: string },
) {
  const { t } = ctx;
  const userRow = (u: User & { followers: number }) => html`<li id="user-${u.id}">
    <div><a href="/@${u.handle}"><strong>${u.display_name}</strong> @${u.handle}</a> <small>${u.email}</small><br>
      <small>${t('admin.users.followers', { count: u.followers })}</small>
      ${u.role === 'admin' ? html`<span class="badge">${t('admin.users.admin')}</span>` : ''}
      ${u.hosting_granted ? html`<span class="badge">${t('admin.users.canHost')}</span>` : ''}
      ${u.suspended_at ? html`<span class="badge warn">${t('profile.suspended')}</span>` : ''}</div>
    <div class="actions">
      ${u.hosting_granted ? actionButton(ctx, `/admin/users/${u.id}/revoke-host`, t('admin.action.revoke-host')) : actionButton(ctx, `/admin/users/${u.id}/grant-host`, t('admin.action.grant-host'))}
      ${u.role !== 'admin' ? (u.suspended_at ? actionButton(ctx, `/admin/users/${u.id}/unsuspend`, t('admin.action.unsuspend')) : actionButton(ctx, `/admin/users/${u.id}/suspend`, t('admin.action.suspend'), { danger: true })) : ''}
      ${u.role !== 'admin' ? actionButton(ctx, `/admin/users/${u.id}/promote`, t('admin.action.promote')) : ''}
      ${actionButton(ctx, `/admin/users/${u.id}/reset-link`, t('reset.admin.action'))}
    </div></li>`;
  return layout(ctx, {
    title: t('admin.users'),
    body: html`<h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin/users')}
    <form method="get" action="/admin/users" class="row" role="search">
      <input type="search" name="q" value="${view.query}" placeholder="${t('admin.users.search')}" aria-label="${t('admin.users.search')}">
      <button type="submit">${t('admin.users.searchButton')}</button>
    </form>
    <ul class="rows">${view.users.map(userRow)}</ul>
    ${view.users.length === 0 ? html`<p class="empty">${t('admin.users.none')}</p>` : ''}
    ${view.hasMore ? html`<p><a href="/admin/users?q=${encodeURIComponent(view.query)}&page=${view.page + 1}">${t('admin.users.more')}</a></p>` : ''}
    <section class="card"><h2>${t('admin.users.create')}</h2>
      ${view.created ? html`<p class="notice ok" role="status">${t('admin.users.created', { handle: view.created })}</p>` : ''}
      ${formError(ctx, view.errors)}
      <form method="post" action="/admin/users">
        ${csrfField(ctx)}
        ${field(ctx, { name: 'handle', label: t('field.handle'), value: view.values.handle, errors: view.errors, required: true })}
        ${field(ctx, { name: 'email', label: t('field.email'), type: 'email', value: view.values.email, errors: view.errors, required: true })}
        ${field(ctx, { name: 'password', label: t('field.password'), type: 'password', errors: view.errors, required: true })}
        <button type="submit" class="primary">${t('admin.users.createButton')}</button>
      </form></section>`,
  });
}
