// The installable web app: GET /manifest.webmanifest (name, icons, colours; the instance's own name)
// and GET /offline, the page the service worker (/sw.js) shows for a page it cannot fetch.
import { Elysia } from 'elysia';
import type { AppDeps } from '../app-deps';
import { page } from './respond';
import { assetUrl } from './static-assets';
import { offlinePage } from '../../views/offline.page';

export const themeColor = '#6f3fd8';
export const backgroundColor = '#faf8f5';

export function appShellRoutes(deps: Pick<AppDeps, 'contexts'>) {
  return new Elysia({ name: 'app-shell' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .get('/manifest.webmanifest', ({ ctx }) => {
      const name = ctx.instanceName;
      const manifest = {
        name,
        short_name: name.length <= 12 ? name : `${name.slice(0, 11)}…`,
        description: ctx.t('site.tagline'),
        lang: ctx.lang,
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: themeColor,
        background_color: backgroundColor,
        icons: [
          { src: assetUrl('icon-192.png'), sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: assetUrl('icon-512.png'), sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: assetUrl('icon-maskable-512.png'), sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: assetUrl('icon.svg'), sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      };
      return new Response(JSON.stringify(manifest), { headers: { 'content-type': 'application/manifest+json; charset=utf-8', 'cache-control': 'no-cache' } });
    })
    .get('/offline', ({ ctx }) => page(ctx, offlinePage(ctx)));
}
