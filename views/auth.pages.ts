// Sign-up and log-in pages (full page; the same page re-renders with field errors).
import { html } from '../src/shared/html';
import type { FieldError } from '../src/shared/form-errors';
import type { RegistrationMode } from '../src/settings/settings.schema';
import { csrfField, field, formError } from './components';
import { layout, type PageContext } from './layout';

export interface SignupView {
  mode: RegistrationMode;
  firstAccount: boolean;
  values: Record<string, string>;
  errors: FieldError[];
}

export function signupPage(ctx: PageContext, view: SignupView) {
  const { t } = ctx;
  const closed = view.mode === 'closed' && !view.firstAccount;
  const body = closed
    ? html`<section class="card narrow"><h1>${t('signup.title')}</h1><p>${t('signup.closed')}</p>
        <p><a href="/login">${t('signup.haveAccount')}</a></p></section>`
    : html`<section class="card narrow">
    <h1>${t('signup.title')}</h1>
    ${view.firstAccount ? html`<p class="notice">${t('signup.firstAccount')}</p>` : ''}
    ${!view.firstAccount && view.mode === 'invite' ? html`<p class="notice">${t('signup.inviteOnly')}</p>` : ''}
    ${formError(ctx, view.errors)}
    <form method="post" action="/signup" novalidate>
      ${csrfField(ctx)}
      ${field(ctx, { name: 'handle', label: t('field.handle'), value: view.values.handle, errors: view.errors, required: true, maxlength: 30, hint: t('field.handle.hint'), autocomplete: 'username' })}
      ${field(ctx, { name: 'displayName', label: t('field.displayName'), value: view.values.displayName, errors: view.errors, maxlength: 50, autocomplete: 'name' })}
      ${field(ctx, { name: 'email', label: t('field.email'), value: view.values.email, type: 'email', errors: view.errors, required: true, autocomplete: 'email' })}
      ${field(ctx, { name: 'password', label: t('field.password'), type: 'password', errors: view.errors, required: true, hint: t('field.password.hint'), autocomplete: 'new-password' })}
      ${!view.firstAccount && view.mode !== 'open' || view.values.inviteCode ? field(ctx, { name: 'inviteCode', label: t('field.inviteCode'), value: view.values.inviteCode, errors: view.errors, required: view.mode === 'invite' }) : ''}
      <button type="submit" class="primary">${t('signup.submit')}</button>
    </form>
    <p><a href="/login">${t('signup.haveAccount')}</a></p>
  </section>`;
  return layout(ctx, { title: t('signup.title'), body });
}

export function loginPage(ctx: PageContext, view: { values: Record<string, string>; errors: FieldError[]; next: string }) {
  const { t } = ctx;
  return layout(ctx, {
    title: t('login.title'),
    body: html`<section class="card narrow">
    <h1>${t('login.title')}</h1>
    ${formError(ctx, view.errors)}
    <form method="post" action="/login">
      ${csrfField(ctx)}
      <input type="hidden" name="next" value="${view.next}">
      ${field(ctx, { name: 'login', label: t('field.login'), value: view.values.login, errors: view.errors, required: true, autocomplete: 'username' })}
      ${field(ctx, { name: 'password', label: t('field.password'), type: 'password', errors: view.errors, required: true, autocomplete: 'current-password' })}
      <button type="submit" class="primary">${t('login.submit')}</button>
    </form>
    <p><a href="/password/forgot">${t('reset.forgotLink')}</a></p>
    <p><a href="/signup">${t('login.noAccount')}</a></p>
  </section>`,
  });
}
