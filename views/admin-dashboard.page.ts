// /admin: the dashboard. Live rooms (join any with moderator powers), media workers, sessions and
// sockets, storage, sign-ups and rooms per day (SVG bars), open reports.
import { html } from '../src/shared/html';
import type { Dashboard, DayCount } from '../src/analytics/dashboard';
import { adminNav, formatBytes } from './admin.pages';
import { layout, type PageContext } from './layout';
import { barChart } from './svg-charts';

export function adminDashboardPage(ctx: PageContext, d: Dashboard) {
  const { t } = ctx;
  const n = (value: number) => new Intl.NumberFormat(ctx.lang).format(value);
  const stat = (label: string, value: string, id: string) => html`<div class="stat" id="${id}"><dt>${label}</dt><dd>${value}</dd></div>`;
  const days = (counts: DayCount[]) => counts.map((c) => ({ label: c.day, value: c.count }));
  const total = (counts: DayCount[]) => counts.reduce((sum, c) => sum + c.count, 0);
  const rooms = d.rooms.length
    ? html`<div class="table-wrap"><table class="data" id="dashboard-rooms">
        <thead><tr><th>${t('dashboard.room')}</th><th class="num">${t('dashboard.listeners')}</th><th class="num">${t('dashboard.speakers')}</th><th></th></tr></thead>
        <tbody>${d.rooms.map((r) => html`<tr data-room="${r.id}"><td><a href="/r/${r.id}">${r.title}</a><br><small>${t('dashboard.host')}: <a href="/@${r.hostHandle}">@${r.hostHandle}</a></small></td><td class="num listeners">${n(r.listeners)}</td><td class="num speakers">${n(r.speakers)}</td><td><a class="button" href="/r/${r.id}">${t('dashboard.joinAsModerator')}</a></td></tr>`)}</tbody>
      </table></div>`
    : html`<p class="empty">${t('admin.noLiveRooms')}</p>`;
  const workers = html`<div class="table-wrap"><table class="data" id="dashboard-workers">
      <thead><tr><th>${t('dashboard.worker')}</th><th class="num">${t('dashboard.cpu')}</th><th class="num">${t('dashboard.routers')}</th><th class="num">${t('dashboard.listeners')}</th><th class="num">${t('dashboard.listenerStreams')}</th></tr></thead>
      <tbody>${d.workers.map((w) => html`<tr data-pid="${w.pid}"><td>${t('dashboard.pid', { pid: w.pid })}</td><td class="num cpu">${w.cpuPercent === null ? '?' : `${w.cpuPercent} %`}</td><td class="num routers">${n(w.routers)}</td><td class="num">${n(w.listeners)}</td><td class="num streams">${n(w.listenerStreams)}</td></tr>`)}</tbody>
    </table></div>`;
  const body = html`<div class="stats-page"><h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin')}
    <dl class="stats">
      ${stat(t('dashboard.liveRooms'), n(d.rooms.length), 'stat-rooms')}
      ${stat(t('dashboard.sessions'), n(d.sessions), 'stat-sessions')}
      ${stat(t('dashboard.sockets'), n(d.sockets), 'stat-sockets')}
      <div class="stat" id="stat-reports"><dt>${t('dashboard.openReports')}</dt><dd><a href="/admin/reports">${n(d.openReports)}</a></dd></div>
    </dl>
    <section class="card"><h2>${t('dashboard.liveRooms')}</h2>${rooms}</section>
    <section class="card"><h2>${t('dashboard.workers')}</h2>${workers}</section>
    <section class="card"><h2>${t('dashboard.storage')}</h2>
      <dl class="stats">
        ${stat(t('dashboard.database'), formatBytes(ctx, d.storage.databaseBytes), 'storage-database')}
        ${stat(t('dashboard.avatars'), formatBytes(ctx, d.storage.avatarBytes), 'storage-avatars')}
        ${stat(t('dashboard.recordings'), formatBytes(ctx, d.storage.recordingBytes), 'storage-recordings')}
      </dl>
    </section>
    <section class="card charts">
      <div><h2>${t('dashboard.signups')} <small>${t('dashboard.last30', { n: n(total(d.signupsPerDay)) })}</small></h2>${barChart(days(d.signupsPerDay), { label: t('dashboard.signups'), id: 'chart-signups' })}</div>
      <div><h2>${t('dashboard.roomsPerDay')} <small>${t('dashboard.last30', { n: n(total(d.roomsPerDay)) })}</small></h2>${barChart(days(d.roomsPerDay), { label: t('dashboard.roomsPerDay'), id: 'chart-rooms' })}</div>
    </section></div>`;
  return layout(ctx, { title: t('dashboard.title'), body });
}
