// The responses of live HLS, for the fast path and the Elysia routes alike: the playlist (a short
// max-age and an ETag, 304 when unchanged) and segments (immutable: a CDN or nginx keeps them).
// Each is built once per playlist version or segment and cloned for every request.
import type { LiveStream } from './live-stream';
import type { Segment } from './segmenter';

const corsHeaders = { 'access-control-allow-origin': '*' }; // any web player may read a public stream

export class HlsResponses {
  private readonly playlists = new WeakMap<object, Response>(); // by LiveStream.playlist()'s object, made anew per version
  private readonly segments = new WeakMap<Segment, Response>();
  private readonly headers: Record<string, string>;

  /** `headers`: what every response carries besides its own (the security headers). */
  constructor(headers: Record<string, string> = {}) {
    this.headers = { ...headers, ...corsHeaders };
  }

  playlist(request: Request, stream: LiveStream): Response {
    const current = stream.playlist();
    const headers = { ...this.headers, 'cache-control': 'public, max-age=1', etag: current.etag };
    if (request.headers.get('if-none-match') === current.etag) return new Response(null, { status: 304, headers });
    let response = this.playlists.get(current);
    if (!response) this.playlists.set(current, (response = new Response(current.text, { headers: { ...headers, 'content-type': 'application/vnd.apple.mpegurl' } })));
    return response.clone();
  }

  segment(stream: LiveStream, segment: Segment): Response {
    let response = this.segments.get(segment);
    if (!response) {
      const headers = { ...this.headers, 'content-type': 'audio/aac', 'cache-control': 'public, max-age=86400, immutable', etag: `"${stream.roomId}-${segment.seq}"` };
      this.segments.set(segment, (response = new Response(segment.data, { headers })));
    }
    return response.clone();
  }
}
