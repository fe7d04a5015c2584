// The member's own settings: profile, hosting status, sessions, invitations.
import { html } from '../src/shared/html';
import type { User, Invite } from '../src/db/schema';
import type { FieldError } from '../src/shared/form-errors';
import type { HostingEligibility } from '../src/accounts/hosting.service';
import type { SessionInfo } from '../src/accounts/sessions.service';
import type { InviteState } from '../src/invites/invites.service';
import { actionButton, avatar, csrfField, errorText, field, formError } from './components';
import { layout, type PageContext } from './layout';

export function settingsNav(ctx: PageContext, current: string) {
  const link = (href: string, key: Parameters<PageContext['t']>[0]) =>
    html`<a href="${href}"${href === current ? html` aria-current="page"` : ''}>${ctx.t(key)}</a>`;
  return html`<nav class="tabs">${link('/settings', 'settings.profile')} ${link('/settings/sessions', 'settings.sessions')} ${link('/settings/invites', 'settings.invites')} ${link('/settings/notifications', 'notifications.settingsTab')} ${link('/settings/data', 'yourData.tab')}</nav>`;
}

export function hostingStatus(ctx: PageContext, hosting: HostingEligibility) {
  const { t } = ctx;
  if (hosting.allowed) return html`<p class="notice ok">${t('hosting.allowed')}</p>`;
  if (hosting.reason === 'suspended') return html`<p class="notice warn">${t('profile.suspended')}</p>`;
  return html`<p class="notice">${t('hosting.needFollowers', { followers: hosting.followers, needed: hosting.needed, missing: hosting.needed - hosting.followers })}</p>`;
}

export function profileSettingsPage(ctx: PageContext, view: { user: User; hosting: HostingEligibility; values?: Record<string, string>; errors: FieldError[] }) {
  const { t } = ctx;
  const values = view.values ?? { displayName: view.user.display_name, bio: view.user.bio, language: view.user.language ?? '' };
  const bioError = errorText(ctx, view.errors, 'bio');
  const avatarError = errorText(ctx, view.errors, 'avatar');
  return layout(ctx, {
    title: t('settings.title'),
    body: html`<h1>${t('settings.title')}</h1>${settingsNav(ctx, '/settings')}
    <section class="card"><h2>${t('hosting.title')}</h2>${hostingStatus(ctx, view.hosting)}</section>
    <section class="card">
      <h2>${t('settings.profile')}</h2>
      ${formError(ctx, view.errors)}
      <form method="post" action="/settings/profile" enctype="multipart/form-data">
        ${csrfField(ctx)}
        ${field(ctx, { name: 'displayName', label: t('field.displayName'), value: values.displayName, errors: view.errors, required: true, maxlength: 50 })}
        <div class="field${bioError ? ' has-error' : ''}"><label for="field-bio">${t('field.bio')}</label>
          <textarea id="field-bio" name="bio" maxlength="300" rows="3">${values.bio ?? ''}</textarea>
          ${bioError ? html`<p class="error">${bioError}</p>` : ''}</div>
        <div class="field"><label for="field-language">${t('field.language')}</label>
          <select id="field-language" name="language">
            <option value="">${t('field.language.auto')}</option>
            ${ctx.languages.map((l) => html`<option value="${l.code}"${values.language === l.code ? html` selected` : ''}>${l.name}</option>`)}
          </select></div>
        <div class="field${avatarError ? ' has-error' : ''}"><label for="field-avatar">${t('field.avatar')}</label>
          ${avatar(view.user, 64)}
          <input id="field-avatar" name="avatar" type="file" accept="image/png,image/jpeg,image/webp">
          <small class="hint">${t('field.avatar.hint')}</small>
          ${view.user.avatar_file ? html`<label class="check"><input type="checkbox" name="removeAvatar" value="1"> ${t('field.avatar.remove')}</label>` : ''}
          ${avatarError ? html`<p class="error">${avatarError}</p>` : ''}</div>
        <button type="submit" class="primary">${t('form.save')}</button>
      </form>
    </section>`,
  });
}

export function sessionsPage(ctx: PageContext & { sessionId: string | null }, sessions: SessionInfo[]) {
  const { t } = ctx;
  return layout(ctx, {
    title: t('settings.sessions'),
    body: html`<h1>${t('settings.title')}</h1>${settingsNav(ctx, '/settings/sessions')}
    <section class="card"><h2>${t('settings.sessions')}</h2>
    <ul class="rows">${sessions.map(
      (s) => html`<li>
        <div><strong>${s.userAgent || t('sessions.unknownDevice')}</strong>${s.id === ctx.sessionId ? html` <span class="badge">${t('sessions.current')}</span>` : ''}
        <br><small>${s.ip} · ${t('sessions.lastSeen')} <time datetime="${s.lastSeenAt}">${s.lastSeenAt.slice(0, 16).replace('T', ' ')}</time></small></div>
        ${actionButton(ctx, `/settings/sessions/${s.id}/revoke`, t('sessions.revoke'), { danger: true })}
      </li>`,
    )}</ul></section>`,
  });
}

export function invitesPage(ctx: PageContext, view: { invites: (Invite & { state: InviteState })[]; remaining: number; isAdmin: boolean; baseUrl: string; errors: FieldError[] }) {
  const { t } = ctx;
  return layout(ctx, {
    title: t('settings.invites'),
    body: html`<h1>${t('settings.title')}</h1>${settingsNav(ctx, '/settings/invites')}
    <section class="card"><h2>${t('settings.invites')}</h2>
    <p>${view.isAdmin ? t('invites.unlimited') : t('invites.remaining', { count: view.remaining })}</p>
    ${formError(ctx, view.errors)}${errorText(ctx, view.errors, 'invite') ? html`<p class="error">${errorText(ctx, view.errors, 'invite')}</p>` : ''}
    <form method="post" action="/settings/invites" class="row">
      ${csrfField(ctx)}
      ${view.isAdmin ? field(ctx, { name: 'maxUses', label: t('invites.maxUses'), type: 'number', value: '1', errors: view.errors, hint: t('invites.maxUses.hint') }) : ''}
      <button type="submit" class="primary"${!view.isAdmin && view.remaining <= 0 ? html` disabled` : ''}>${t('invites.create')}</button>
    </form>
    <ul class="rows">${view.invites.map((invite) => {
      const { state } = invite;
      const link = `${view.baseUrl}/invite/${invite.code}`;
      return html`<li><div><code>${invite.code}</code> <span class="badge">${t(`invites.state.${state}`)}</span>
        <br><small><a href="${link}">${link}</a> · ${t('invites.uses', { uses: invite.uses, max: invite.max_uses ?? '∞' })}</small></div>
        ${state === 'usable' ? actionButton(ctx, `/settings/invites/${invite.code}/revoke`, t('invites.revoke'), { danger: true }) : ''}</li>`;
    })}</ul></section>`,
  });
}
