// /settings/data: download my data, delete my account (the rule for replays said before the button).
import { html } from '../src/shared/html';
import type { FieldError } from '../src/shared/form-errors';
import type { User } from '../src/db/schema';
import { csrfField, field, formError } from './components';
import { layout, type PageContext } from './layout';
import { settingsNav } from './settings.pages';

export interface YourDataView {
  user: User;
  counts: { rooms: number; replays: number; clips: number; reports: number };
  errors: FieldError[];
  values?: { handle?: string };
}

export function yourDataPage(ctx: PageContext, view: YourDataView) {
  const { t } = ctx;
  return layout(ctx, {
    title: t('yourData.title'),
    body: html`<h1>${t('settings.title')}</h1>${settingsNav(ctx, '/settings/data')}
    <section class="card">
      <h2>${t('yourData.download.title')}</h2>
      <p>${t('yourData.download.what')}</p>
      <p><a class="button" href="/settings/data/export" download>${t('yourData.download.button')}</a></p>
    </section>
    <section class="card" id="delete-account">
      <h2>${t('yourData.delete.title')}</h2>
      <p class="notice warn">${t('yourData.delete.final')}</p>
      <ul>
        <li>${t('yourData.delete.rooms', { rooms: view.counts.rooms, replays: view.counts.replays })}</li>
        <li>${t('yourData.delete.clips', { clips: view.counts.clips })}</li>
        <li>${t('yourData.delete.reports', { reports: view.counts.reports })}</li>
        <li>${t('yourData.delete.sessions')}</li>
      </ul>
      ${formError(ctx, view.errors)}
      <form method="post" action="/settings/data/delete">
        ${csrfField(ctx)}
        ${field(ctx, { name: 'handle', label: t('yourData.delete.typeHandle', { handle: view.user.handle }), value: view.values?.handle ?? '', errors: view.errors, required: true, maxlength: 100, autocomplete: 'off' })}
        ${field(ctx, { name: 'password', label: t('field.password'), type: 'password', errors: view.errors, required: true, maxlength: 1000, autocomplete: 'current-password' })}
        <button type="submit" class="danger">${t('yourData.delete.button')}</button>
      </form>
    </section>`,
  });
}

export function accountDeletedPage(ctx: PageContext) {
  const { t } = ctx;
  return layout(ctx, {
    title: t('yourData.deleted.title'),
    body: html`<h1>${t('yourData.deleted.title')}</h1><p>${t('yourData.deleted.text')}</p><p><a href="/">${t('yourData.deleted.home')}</a></p>`,
  });
}
