// /admin/email: the SMTP server Salon sends email through, and a test email to the admin.
import { html } from '../src/shared/html';
import type { FieldError } from '../src/shared/form-errors';
import type { MessageKey } from '../src/i18n/messages.en';
import type { SmtpSecurity } from '../src/mail/mail-settings';
import { adminNav } from './admin.pages';
import { csrfField, errorText, field, formError } from './components';
import { layout, type PageContext } from './layout';

export interface AdminMailView {
  values: { host: string; port: number | string; security: string; user: string; from: string };
  passwordSet: boolean;
  configured: boolean;
  errors: FieldError[];
  saved?: boolean;
  /** The test email's outcome: sent to this address, or why not. */
  test?: { ok: true; to: string } | { ok: false; key: MessageKey; params: Record<string, string | number> };
  /** Links in emails start with this (the public URL, else the address the admin saved these settings from). */
  linkOrigin: string;
  publicUrlSet: boolean;
  /** The security choices, in order. */
  securities: readonly SmtpSecurity[];
}

export function adminMailPage(ctx: PageContext, view: AdminMailView) {
  const { t } = ctx;
  const v = view.values;
  const securityError = errorText(ctx, view.errors, 'security');
  const testResult = !view.test
    ? ''
    : view.test.ok
      ? html`<p class="notice ok" role="status" id="test-result">${t('mail.admin.testSent', { to: view.test.to })}</p>`
      : html`<p class="error form-error" role="alert" id="test-result">${t('mail.admin.testFailed')} ${t(view.test.key, view.test.params)}</p>`;
  return layout(ctx, {
    title: t('mail.admin.title'),
    body: html`<h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin/email')}
    ${view.saved ? html`<p class="notice ok" role="status">${t('form.saved')}</p>` : ''}
    <section class="card"><h2>${t('mail.admin.title')}</h2>
      <p>${view.configured ? t('mail.admin.on') : t('mail.admin.off')}</p>
      ${formError(ctx, view.errors)}
      <form method="post" action="/admin/email">
        ${csrfField(ctx)}
        ${field(ctx, { name: 'host', label: t('mail.setting.host'), value: v.host, errors: view.errors, maxlength: 253, hint: t('mail.setting.host.hint') })}
        <div class="field${securityError ? ' has-error' : ''}"><label for="field-security">${t('mail.setting.security')}</label>
          <select id="field-security" name="security">${view.securities.map((s) => html`<option value="${s}"${v.security === s ? html` selected` : ''}>${t(`mail.security.${s}`)}</option>`)}</select>
          ${securityError ? html`<p class="error">${securityError}</p>` : ''}</div>
        ${field(ctx, { name: 'port', label: t('mail.setting.port'), type: 'number', value: v.port, errors: view.errors })}
        ${field(ctx, { name: 'user', label: t('mail.setting.user'), value: v.user, errors: view.errors, maxlength: 254, autocomplete: 'off' })}
        ${field(ctx, { name: 'password', label: t('mail.setting.password'), type: 'password', errors: view.errors, maxlength: 500, autocomplete: 'new-password', hint: view.passwordSet ? t('mail.setting.password.keep') : t('mail.setting.password.none') })}
        ${view.passwordSet ? html`<div class="field"><label><input type="checkbox" name="clearPassword" value="yes"> ${t('mail.setting.password.clear')}</label></div>` : ''}
        ${field(ctx, { name: 'from', label: t('mail.setting.from'), value: v.from, errors: view.errors, maxlength: 320, hint: t('mail.setting.from.hint') })}
        <button type="submit" class="primary">${t('form.save')}</button>
      </form>
      <p><small>${view.publicUrlSet ? t('mail.admin.links', { origin: view.linkOrigin }) : t('mail.admin.linksNoPublicUrl', { origin: view.linkOrigin })}</small></p>
    </section>
    <section class="card" id="test"><h2>${t('mail.admin.testHeading')}</h2>
      <p>${t('mail.admin.testIntro')}</p>
      ${testResult}
      <form method="post" action="/admin/email/test">${csrfField(ctx)}<button type="submit"${view.configured ? '' : html` disabled`}>${t('mail.admin.testButton')}</button></form>
    </section>`,
  });
}
