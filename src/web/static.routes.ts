// GET /static/:name — the embedded CSS, icon, htmx and client bundle. Compressed once in memory
// and served gzipped to browsers that accept it (the room client is ~250 KB raw, ~45 KB gzipped).
import { Elysia } from 'elysia';
import { findAsset } from './static-assets';
import { NotFound } from '../shared/errors';

const gzipped = new Map<string, Uint8Array<ArrayBuffer>>();

async function gzipOf(name: string, path: string): Promise<Uint8Array<ArrayBuffer>> {
  let bytes = gzipped.get(name);
  if (!bytes) {
    bytes = Bun.gzipSync(new Uint8Array(await Bun.file(path).arrayBuffer()), { level: 9 }) as Uint8Array<ArrayBuffer>;
    gzipped.set(name, bytes);
  }
  return bytes;
}

export const staticRoutes = () =>
  new Elysia({ name: 'static' })
    .get('/favicon.ico', () => new Response(null, { status: 301, headers: { location: '/static/icon.svg' } }))
    .get('/static/:name', async ({ params, request }) => {
      const asset = findAsset(params.name);
      if (!asset) throw new NotFound(`No static file named ${params.name}`);
      const headers: Record<string, string> = { 'content-type': asset.type, 'cache-control': 'public, max-age=86400', vary: 'accept-encoding' };
      if ((request.headers.get('accept-encoding') ?? '').includes('gzip')) {
        return new Response(await gzipOf(params.name, asset.path), { headers: { ...headers, 'content-encoding': 'gzip' } });
      }
      return new Response(Bun.file(asset.path), { headers });
    });
