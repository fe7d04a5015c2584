// Serving a replay file: HTTP Range (one range; 206, or 416 when it lies outside the file), the
// right type, validators (ETag, Last-Modified, 304) and caching by visibility.
import { stat } from 'node:fs/promises';
import { NotFound } from '../../shared/errors';

export const replayTypes = { 'replay.opus': 'audio/ogg', 'replay.m4a': 'audio/mp4', 'peaks.json': 'application/json' } as const;

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/** One `bytes=` range against a file of `size` bytes; null when absent or not understood (serve it all). */
export function parseRange(header: string | null, size: number): ByteRange {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null; // several ranges or nonsense: the whole file
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== '' && Number(last) < start)) return 'unsatisfiable';
  return { start, end };
}

export interface ServeOptions {
  path: string;
  type: string;
  isPublic: boolean;
  request: Request;
  /** Content-Disposition attachment with this file name. */
  downloadName?: string;
}

export async function serveReplayFile(opts: ServeOptions): Promise<Response> {
  const info = await stat(opts.path).catch(() => null);
  if (!info?.isFile()) throw new NotFound('This replay file is missing');
  const size = info.size;
  const etag = `"${size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
  const headers: Record<string, string> = {
    'content-type': opts.type,
    'accept-ranges': 'bytes',
    etag,
    'last-modified': new Date(info.mtimeMs).toUTCString(),
    'cache-control': `${opts.isPublic ? 'public' : 'private'}, max-age=3600`,
  };
  if (opts.downloadName) headers['content-disposition'] = `attachment; filename="${opts.downloadName.replace(/[^\w.-]+/g, '_')}"`;
  const { request } = opts;
  const noneMatch = request.headers.get('if-none-match');
  const modifiedSince = request.headers.get('if-modified-since');
  if (noneMatch ? noneMatch.split(',').some((t) => t.trim() === etag) : modifiedSince && Date.parse(modifiedSince) >= Math.floor(info.mtimeMs / 1000) * 1000) {
    return new Response(null, { status: 304, headers });
  }
  // If-Range: a range only applies to the version the client has.
  const ifRange = request.headers.get('if-range');
  const range = ifRange && ifRange !== etag ? null : parseRange(request.headers.get('range'), size);
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  const file = Bun.file(opts.path);
  if (!range) return new Response(request.method === 'HEAD' ? null : file, { status: 200, headers: { ...headers, 'content-length': String(size) } });
  const length = range.end - range.start + 1;
  return new Response(request.method === 'HEAD' ? null : file.slice(range.start, range.end + 1), {
    status: 206,
    headers: { ...headers, 'content-length': String(length), 'content-range': `bytes ${range.start}-${range.end}/${size}` },
  });
}
