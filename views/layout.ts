// The page shell every full page shares. htmx and the CSS are served locally from /static.
import { html, type SafeHtml } from '../src/shared/html';
import type { PageContext } from '../src/shared/page-context';

export type { PageContext } from '../src/shared/page-context';

// Swap error responses too: a rejected form comes back as the page with its errors (HTTP 4xx),
// exactly what a browser without JavaScript shows. No injected <style> (our CSP forbids inline).
const htmxConfig = JSON.stringify({
  responseHandling: [
    { code: '204', swap: false },
    { code: '...', swap: true },
  ],
  includeIndicatorStyles: false,
});

export function layout(ctx: PageContext, page: { title: string; body: SafeHtml; head?: SafeHtml }): SafeHtml {
  const { t, viewer } = ctx;
  const title = page.title === ctx.instanceName ? page.title : `${page.title} · ${ctx.instanceName}`;
  // htmx sends the CSRF token as a header on every request it makes.
  const hxHeaders = JSON.stringify({ 'X-CSRF-Token': ctx.csrfToken });
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <meta name="htmx-config" content="${htmxConfig}">
  <link rel="stylesheet" href="${ctx.asset('salon.css')}">
  <link rel="icon" href="${ctx.asset('icon.svg')}" type="image/svg+xml">
  <link rel="manifest" href="/manifest.webmanifest">
  <meta name="theme-color" content="#6f3fd8">
  <link rel="apple-touch-icon" href="${ctx.asset('icon-192.png')}">
  <script src="${ctx.asset('htmx.min.js')}" defer></script>
  <script src="${ctx.asset('notifications.js')}" defer></script>
  ${page.head ?? ''}
</head>
<body hx-boost="true" hx-headers="${hxHeaders}">
  <a class="skip-link" href="#main">${t('a11y.skipToContent')}</a>
  <header class="site-header">
    <a class="brand" href="/">${ctx.instanceName}</a>
    <span class="tagline">${t('site.tagline')}</span>
    <nav class="site-nav" aria-label="${t('nav.label')}">
      ${
        viewer
          ? html`<a href="/notifications" class="bell" id="notification-bell" data-label="${t('notifications.bell')}" aria-label="${t('notifications.bell')}" title="${t('notifications.bell')}"><svg class="bell-icon" aria-hidden="true" viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"/></svg><span class="bell-count" id="notification-count" hidden></span></a>
        <a href="/studio">${t('nav.studio')}</a>
        <a href="/@${viewer.handle}">@${viewer.handle}</a>
        <a href="/settings">${t('nav.settings')}</a>
        ${viewer.role === 'admin' ? html`<a href="/admin/settings">${t('nav.admin')}</a>` : ''}
        <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrfToken}"><button type="submit" class="link">${t('nav.logout')}</button></form>`
          : html`<a href="/login">${t('nav.login')}</a> <a href="/signup" class="button">${t('nav.signup')}</a>`
      }
    </nav>
  </header>
  <main id="main">${page.body}</main>
  <div id="player" hx-preserve="true"></div>
  <footer class="site-footer">${t('footer.poweredBy')}</footer>
</body>
</html>`;
}
