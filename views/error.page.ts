// Error pages for people (JSON clients get JSON from the error handler).
import { html } from '../src/shared/html';
import { layout, type PageContext } from './layout';

export function errorPage(ctx: PageContext, kind: 'notFound' | 'generic', detail?: string) {
  const { t } = ctx;
  const title = t(kind === 'notFound' ? 'error.notFound.title' : 'error.generic.title');
  return layout(ctx, {
    title,
    body: html`
    <section class="error">
      <h1>${title}</h1>
      <p>${detail ?? t(kind === 'notFound' ? 'error.notFound.body' : 'error.generic.body')}</p>
      <p><a href="/">${t('nav.home')}</a></p>
    </section>`,
  });
}
