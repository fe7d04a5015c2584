// The page the service worker shows when a page cannot be fetched (no network). Cached on install,
// fetched without cookies: it carries nobody's name or token.
import { html } from '../src/shared/html';
import { layout, type PageContext } from './layout';

export function offlinePage(ctx: PageContext) {
  const { t } = ctx;
  return layout(ctx, {
    title: t('app.offline.title'),
    body: html`
    <section class="error offline">
      <h1>${t('app.offline.title')}</h1>
      <p>${t('app.offline.body')}</p>
      <p><a href="/" class="button primary">${t('app.offline.retry')}</a></p>
    </section>`,
  });
}
