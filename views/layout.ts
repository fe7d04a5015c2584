// The page shell every full page shares. htmx and the CSS are served locally from /static.
import { html, type SafeHtml } from '../src/web/html';
import type { Language, Translate } from '../src/i18n/i18n';
import { assetUrl } from '../src/web/static-assets';

export interface PageContext {
  lang: Language;
  t: Translate;
  instanceName: string;
}

export function layout(ctx: PageContext, page: { title: string; body: SafeHtml }): SafeHtml {
  const { t } = ctx;
  const title = page.title === ctx.instanceName ? page.title : `${page.title} · ${ctx.instanceName}`;
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="stylesheet" href="${assetUrl('salon.css')}">
  <script src="${assetUrl('htmx.min.js')}" defer></script>
</head>
<body hx-boost="true">
  <header class="site-header">
    <a class="brand" href="/">${ctx.instanceName}</a>
    <span class="tagline">${t('site.tagline')}</span>
  </header>
  <main id="main">${page.body}</main>
  <footer class="site-footer">${t('footer.poweredBy')}</footer>
</body>
</html>`;
}
