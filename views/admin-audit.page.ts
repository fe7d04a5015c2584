// /admin/audit: the audit log, newest first, filtered and paged. Read-only: nothing here edits it.
import { html, type SafeHtml } from '../src/shared/html';
import type { AuditFilter, AuditView } from '../src/audit/audit-log';
import type { MessageKey } from '../src/i18n/messages.en';
import { adminNav } from './admin.pages';
import { layout, type PageContext } from './layout';

export interface AdminAuditView {
  entries: AuditView[];
  filter: AuditFilter;
  actions: string[];
  page: number;
  hasMore: boolean;
}

const actionKeys: Record<string, MessageKey> = {
  'settings.update': 'audit.action.settings.update',
  'user.suspend': 'audit.action.user.suspend',
  'user.unsuspend': 'audit.action.user.unsuspend',
  'user.promote': 'audit.action.user.promote',
  'user.demote': 'audit.action.user.demote',
  'user.grantHost': 'audit.action.user.grantHost',
  'user.revokeHost': 'audit.action.user.revokeHost',
  'room.end': 'audit.action.room.end',
  'room.remove': 'audit.action.room.remove',
  'room.mute': 'audit.action.room.mute',
  'room.muteAll': 'audit.action.room.muteAll',
  'room.moveToListeners': 'audit.action.room.moveToListeners',
  'room.startRecording': 'audit.action.room.startRecording',
  'room.stopRecording': 'audit.action.room.stopRecording',
  'room.block': 'audit.action.room.block',
  'report.decide': 'audit.action.report.decide',
};

/** The words for an action (an action another feature added without words shows as it is stored). */
export function auditActionLabel(ctx: PageContext, action: string): string {
  const key = actionKeys[action];
  return key ? ctx.t(key) : action;
}

function values(value: unknown): SafeHtml | string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  return html`<dl class="audit-values">${Object.entries(value as Record<string, unknown>).map(([k, v]) => html`<dt>${k}</dt><dd>${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}</dd>`)}</dl>`;
}

/** Details that are only `{ values }` (settings: the values after) show the values themselves. */
function onlyValues(details: unknown): unknown {
  if (details && typeof details === 'object' && Object.keys(details).length === 1 && 'values' in details) return (details as { values: unknown }).values;
  return details;
}

export function adminAuditPage(ctx: PageContext, view: AdminAuditView) {
  const { t } = ctx;
  const f = view.filter;
  const query = (page: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) params.set(k, String(v));
    if (page) params.set('page', String(page));
    const text = params.toString();
    return `/admin/audit${text ? `?${text}` : ''}`;
  };
  const input = (name: keyof AuditFilter, label: string, type = 'text') =>
    html`<div class="field"><label for="audit-${name}">${label}</label><input id="audit-${name}" name="${name}" type="${type}" value="${f[name] ?? ''}" maxlength="100"></div>`;
  const target = (e: AuditView) => (e.target_name || e.target_id ? html`${e.target_type === 'user' && e.target_name ? html`<a href="/@${e.target_name}">@${e.target_name}</a>` : (e.target_name ?? e.target_id)}` : '');
  const row = (e: AuditView) => html`<li id="audit-${e.id}" data-action="${e.action}">
      <p class="audit-head"><strong>${auditActionLabel(ctx, e.action)}</strong> · ${e.actor_name} <small>${t(`audit.role.${e.actor_role}` as MessageKey)}</small>
        <time datetime="${e.at}">${e.at.slice(0, 19).replace('T', ' ')}</time></p>
      ${e.target_name || e.target_id || e.room_id ? html`<p class="audit-target">${e.target_name || e.target_id ? html`${t('audit.target')}: ${target(e)}` : ''}${e.room_id ? html` · ${t('audit.room')}: <a href="/r/${e.room_id}">${e.room_id}</a>` : ''}</p>` : ''}
      ${e.previous !== null ? html`<div class="audit-block"><span>${t('audit.previous')}</span>${values(e.previous)}</div>` : ''}
      ${e.details !== null ? html`<div class="audit-block"><span>${t('audit.details')}</span>${values(onlyValues(e.details))}</div>` : ''}
    </li>`;
  const body = html`<h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin/audit')}
    <p class="hint">${t('audit.intro')}</p>
    <form method="get" action="/admin/audit" class="card filters" id="audit-filters">
      <div class="field"><label for="audit-action">${t('audit.filter.action')}</label>
        <select id="audit-action" name="action"><option value="">${t('audit.filter.any')}</option>${view.actions.map((a) => html`<option value="${a}"${f.action === a ? html` selected` : ''}>${auditActionLabel(ctx, a)}</option>`)}</select></div>
      ${input('actor', t('audit.filter.actor'))}
      ${input('target', t('audit.filter.target'))}
      ${input('room', t('audit.filter.room'))}
      ${input('from', t('audit.filter.from'), 'date')}
      ${input('to', t('audit.filter.to'), 'date')}
      <p><button type="submit">${t('audit.filter.apply')}</button> <a href="/admin/audit">${t('audit.filter.clear')}</a></p>
    </form>
    ${
      view.entries.length
        ? html`<ol class="audit-list" id="audit-entries">${view.entries.map(row)}</ol>`
        : html`<p class="empty">${t('audit.empty')}</p>`
    }
    <nav class="pager">${view.page > 0 ? html`<a href="${query(view.page - 1)}" rel="prev">${t('audit.newer')}</a>` : ''} ${view.hasMore ? html`<a href="${query(view.page + 1)}" rel="next">${t('audit.older')}</a>` : ''}</nav>`;
  return layout(ctx, { title: t('audit.title'), body });
}
