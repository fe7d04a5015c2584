// Forgotten password pages: ask for a link, set a new password through it; and the link an admin
// makes to hand over.
import { html } from '../src/shared/html';
import type { FieldError } from '../src/shared/form-errors';
import { csrfField, field, formError } from './components';
import { adminNav } from './admin.pages';
import { layout, type PageContext } from './layout';

export function forgotPasswordPage(ctx: PageContext, view: { byEmail: boolean; values: Record<string, string>; errors: FieldError[]; sent?: boolean }) {
  const { t } = ctx;
  let content;
  if (!view.byEmail) content = html`<p class="notice">${t('reset.askAdmin')}</p>`;
  else if (view.sent) content = html`<p class="notice ok" role="status">${t('reset.sent')}</p>`;
  else {
    content = html`<p>${t('reset.intro')}</p>
    ${formError(ctx, view.errors)}
    <form method="post" action="/password/forgot">
      ${csrfField(ctx)}
      ${field(ctx, { name: 'login', label: t('field.login'), value: view.values.login, errors: view.errors, required: true, autocomplete: 'username' })}
      <button type="submit" class="primary">${t('reset.send')}</button>
    </form>`;
  }
  return layout(ctx, {
    title: t('reset.forgotTitle'),
    body: html`<section class="card narrow"><h1>${t('reset.forgotTitle')}</h1>${content}<p><a href="/login">${t('reset.backToLogin')}</a></p></section>`,
  });
}

export function resetPasswordPage(ctx: PageContext, view: { token: string; handle: string; errors: FieldError[] }) {
  const { t } = ctx;
  return layout(ctx, {
    title: t('reset.title'),
    body: html`<section class="card narrow"><h1>${t('reset.title')}</h1>
    ${view.handle ? html`<p>${t('reset.forAccount', { handle: view.handle })}</p>` : ''}
    ${formError(ctx, view.errors)}
    <form method="post" action="/password/reset/${view.token}">
      ${csrfField(ctx)}
      <input type="text" name="username" value="${view.handle}" autocomplete="username" hidden>
      ${field(ctx, { name: 'password', label: t('reset.newPassword'), type: 'password', errors: view.errors, required: true, hint: t('field.password.hint'), autocomplete: 'new-password' })}
      ${field(ctx, { name: 'passwordConfirm', label: t('reset.confirmPassword'), type: 'password', errors: view.errors, required: true, autocomplete: 'new-password' })}
      <button type="submit" class="primary">${t('reset.submit')}</button>
    </form>
    <p><small>${t('reset.signsOutEverywhere')}</small></p></section>`,
  });
}

export function resetLinkInvalidPage(ctx: PageContext) {
  const { t } = ctx;
  return layout(ctx, {
    title: t('reset.invalidTitle'),
    body: html`<section class="card narrow"><h1>${t('reset.invalidTitle')}</h1><p>${t('reset.invalid')}</p>
      <p><a href="/password/forgot" class="button">${t('reset.askAgain')}</a></p></section>`,
  });
}

/** What an admin hands over: the link, once (it is not stored, only its hash). */
export function adminResetLinkPage(ctx: PageContext, view: { userId: number; handle: string; link: string; expiresAt: Date }) {
  const { t } = ctx;
  const time = new Intl.DateTimeFormat(ctx.lang, { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' }).format(view.expiresAt);
  return layout(ctx, {
    title: t('reset.admin.title', { handle: view.handle }),
    body: html`<h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin/users')}
    <section class="card"><h2>${t('reset.admin.title', { handle: view.handle })}</h2>
      <p>${t('reset.admin.handOver', { handle: view.handle })}</p>
      <div class="field"><label for="reset-link">${t('reset.admin.link')}</label>
        <input id="reset-link" type="text" readonly value="${view.link}"></div>
      <p><small>${t('reset.admin.expires', { time })}</small></p>
      <p><a href="/admin/users#user-${view.userId}">${t('reset.admin.back')}</a></p>
    </section>`,
  });
}
