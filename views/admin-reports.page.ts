// /admin/reports: open and handled reports. Each shows the room, who reported whom and why, when,
// who was on stage then, the audio evidence (a player, while it is kept) and the actions.
import { html, type SafeHtml } from '../src/shared/html';
import type { MessageKey } from '../src/i18n/messages.en';
import type { AdminReportRow } from '../src/reports/reports.repository';
import type { ReportStatus, StageSnapshot } from '../src/reports/reports.model';
import { csrfField } from './components';
import { adminNav } from './admin.pages';
import { layout, type PageContext } from './layout';

export interface AdminReportView extends AdminReportRow {
  snapshot: StageSnapshot | null;
  /** The room is live now (remove and end apply). */
  live: boolean;
  /** The reported person is in the live room now. */
  targetInRoom: boolean;
  /** The room's replay exists (it can be deleted). */
  hasReplay: boolean;
  /** Clips of the room's replay, newest first. */
  clips: { id: string; title: string }[];
}

export interface AdminReportsView {
  status: ReportStatus;
  reports: AdminReportView[];
  page: number;
  hasMore: boolean;
  openCount: number;
  done?: string;
}

const time = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

function actionForm(ctx: PageContext, report: AdminReportView, action: string, label: string, opts: { danger?: boolean; extra?: SafeHtml } = {}) {
  return html`<form method="post" action="/admin/reports/${report.id}/${action}" class="inline">${csrfField(ctx)}${opts.extra ?? ''}<button type="submit"${opts.danger ? html` class="danger"` : ''}>${label}</button></form>`;
}

function reportCard(ctx: PageContext, r: AdminReportView) {
  const { t } = ctx;
  const person = (handle: string | null, name: string | null, fallback: string) => (handle ? html`<a href="/@${handle}">${name ?? handle}</a> @${handle}` : html`${fallback}`);
  const stage = r.snapshot
    ? html`<p><strong>${t('reports.stageThen')}</strong> ${r.snapshot.stage.length ? r.snapshot.stage.map((p, i) => html`${i ? ', ' : ''}${p.name}${p.handle ? ` @${p.handle}` : ''} (${t(`room.role.${p.role}` as MessageKey)}${p.muted ? `, ${t('room.muted')}` : ''})`) : t('reports.emptyStage')} · ${t('reports.listenersThen', { count: r.snapshot.listenerCount })}</p>`
    : '';
  const evidence = r.evidence_file
    ? html`<p><strong>${t('reports.evidence')}</strong> <small>${t('reports.evidenceUntil', { date: time(r.evidence_expires_at) })}</small><br>
      <audio controls preload="none" src="/admin/reports/${r.id}/evidence" class="evidence-player"></audio></p>`
    : html`<p><small>${t('reports.noEvidence')}</small></p>`;
  const actions = html`<div class="report-actions">
    ${r.status === 'open' ? actionForm(ctx, r, 'dismiss', t('reports.action.dismiss')) : ''}
    ${r.target_user_id ? actionForm(ctx, r, 'warn', t('reports.action.warn')) : ''}
    ${r.live && r.targetInRoom ? actionForm(ctx, r, 'remove', t('reports.action.remove'), { danger: true }) : ''}
    ${r.live ? actionForm(ctx, r, 'end', t('reports.action.end'), { danger: true }) : ''}
    ${r.target_user_id && !r.target_suspended_at ? actionForm(ctx, r, 'suspend', t('reports.action.suspend'), { danger: true }) : ''}
    ${r.hasReplay ? actionForm(ctx, r, 'deleteReplay', t('reports.action.deleteReplay'), { danger: true }) : ''}
    ${r.clips.length
      ? actionForm(ctx, r, 'deleteClip', t('reports.action.deleteClip'), {
          danger: true,
          extra: html`<select name="clip" aria-label="${t('reports.clip')}">${r.clips.map((c) => html`<option value="${c.id}">${c.title || c.id}</option>`)}</select> `,
        })
      : ''}
  </div>`;
  const decided = r.decision
    ? html`<p class="notice ok">${t(`reports.decision.${r.decision}` as MessageKey)} · ${t('reports.handledBy', { handle: r.handler_handle ?? '?', date: time(r.handled_at) })}${r.decision_note ? html` · ${r.decision_note}` : ''}</p>`
    : '';
  return html`<li class="card report-card" id="report-${r.id}">
    <h2>${r.room_id ? html`<a href="/r/${r.room_id}">${r.room_title ?? r.room_id}</a>` : t('reports.noRoom')}</h2>
    <p><small>${time(r.created_at)}</small></p>
    <p>${t('reports.reporter')} ${person(r.reporter_handle, r.reporter_name, t('reports.deletedAccount'))}<br>
      ${t('reports.reported')} ${r.target_participant || r.target_user_id ? person(r.target_handle, r.target_name, t('reports.deletedAccount')) : t('reports.theRoom')}${r.target_suspended_at ? html` <span class="badge">${t('reports.suspended')}</span>` : ''}</p>
    <blockquote class="report-reason">${r.reason}</blockquote>
    ${stage}${evidence}${decided}${actions}
  </li>`;
}

export function adminReportsPage(ctx: PageContext, view: AdminReportsView) {
  const { t } = ctx;
  const tab = (status: ReportStatus, label: string) => html`<a href="/admin/reports?status=${status}"${status === view.status ? html` aria-current="page"` : ''}>${label}</a>`;
  const pager = html`<p class="pager">${view.page > 1 ? html`<a href="/admin/reports?status=${view.status}&page=${view.page - 1}">${t('reports.newer')}</a> ` : ''}${view.hasMore ? html`<a href="/admin/reports?status=${view.status}&page=${view.page + 1}">${t('reports.older')}</a>` : ''}</p>`;
  return layout(ctx, {
    title: t('reports.title'),
    body: html`<h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin/reports')}
    ${view.done ? html`<p class="notice ok" role="status">${t('reports.done')}</p>` : ''}
    <nav class="tabs subtabs">${tab('open', t('reports.open', { count: view.openCount }))} ${tab('handled', t('reports.handled'))}</nav>
    ${view.reports.length ? html`<ul class="report-list">${view.reports.map((r) => reportCard(ctx, r))}</ul>` : html`<p class="empty">${t(view.status === 'open' ? 'reports.noneOpen' : 'reports.noneHandled')}</p>`}
    ${pager}`,
  });
}

export interface HostReportRow {
  id: number;
  room_id: string | null;
  room_title: string;
  reason: string;
  created_at: string;
  status: string;
  decision: string | null;
  target_handle: string | null;
  target_name: string | null;
}

/** The studio's list of reports about my rooms: read-only, never who filed them. */
export function studioReportsFragment(ctx: PageContext, reports: HostReportRow[]) {
  const { t } = ctx;
  const row = (r: HostReportRow) => html`<li><div><a href="/r/${r.room_id}">${r.room_title}</a> · <small>${time(r.created_at)}</small><br>
    ${t('reports.reported')} ${r.target_handle ? html`${r.target_name ?? r.target_handle} @${r.target_handle}` : t('reports.theRoom')} — <q>${r.reason}</q><br>
    <small>${r.decision ? t(`reports.decision.${r.decision}` as MessageKey) : t('reports.pending')}</small></div></li>`;
  return html`<section class="card" id="studio-reports"><h2>${t('reports.studioHeading')}</h2>
    <p><small>${t('reports.studioHint')}</small></p>
    ${reports.length ? html`<ul class="rows">${reports.map(row)}</ul>` : html`<p class="empty">${t('reports.studioNone')}</p>`}</section>`;
}

export function studioReportsPage(ctx: PageContext, reports: HostReportRow[]) {
  return layout(ctx, { title: ctx.t('reports.studioHeading'), body: studioReportsFragment(ctx, reports) });
}
