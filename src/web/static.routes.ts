// GET /static/:name — the embedded CSS, htmx and client bundle.
import { Elysia } from 'elysia';
import { findAsset } from './static-assets';
import { NotFound } from './errors';

export const staticRoutes = () =>
  new Elysia({ name: 'static' })
    .get('/favicon.ico', () => new Response(null, { status: 301, headers: { location: '/static/icon.svg' } }))
    .get('/static/:name', ({ params }) => {
    const asset = findAsset(params.name);
    if (!asset) throw new NotFound(`No static file named ${params.name}`);
    return new Response(Bun.file(asset.path), {
      headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' },
    });
  });
