// Home: what this instance is, and (rooms issue) who is live now.
import { html } from '../src/web/html';
import { layout, type PageContext } from './layout';

export function homePage(ctx: PageContext, view: { description: string }) {
  const { t } = ctx;
  return layout(ctx, {
    title: ctx.instanceName,
    body: html`
    <section class="intro">
      <h1>${ctx.instanceName}</h1>
      <p>${view.description || t('home.intro', { name: ctx.instanceName })}</p>
      ${ctx.viewer ? '' : html`<p><a class="button primary" href="/signup">${t('nav.signup')}</a> <a href="/login">${t('nav.login')}</a></p>`}
    </section>
    <section class="live-now" aria-labelledby="live-now-title">
      <h2 id="live-now-title">${t('home.liveNow')}</h2>
      <p class="empty">${t('home.noRooms')}</p>
    </section>`,
  });
}
