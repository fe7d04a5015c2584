// The hot path of live HLS. Every HLS listener asks for the playlist and for a segment about once
// a second each, so 20,000 listeners are ~40,000 requests a second; the full Elysia path (global
// hooks, a whole request context, a session and a block lookup each time) costs several times
// what serving the bytes does. These handlers sit in Bun's own router, before Elysia: they answer
// a request that may listen from an access decision kept for a second per room and cookie header,
// and hand everything else (unknown rooms, refusals, odd names) to the app, whose routes
// (hls.routes.ts) give the same decision with the usual error responses. Removals and settings are
// checked on every request; a new block or suspension (database lookups) reaches HLS within a second.
import type { AppDeps } from '../app-deps';
import { anonymousCookie } from '../rooms/anonymous-listener';
import { parseCookies, sessionCookie } from '../web/cookies';
import { clientIp, type ServerLike } from '../web/request-context';
import { securityHeaders } from '../web/security-headers';
import { addressKey, listenerKey, refusal, removalKeys, wasRemoved, type Listener } from './hls-access';
import { findStream, hlsCorsHeaders, playlistCacheControl, segmentCacheControl, segmentPattern } from './hls.routes';

export const accessTtlMs = 1000;

type Deps = Pick<AppDeps, 'anonymous' | 'config' | 'hls' | 'metrics' | 'rooms' | 'sessions' | 'settings'>;
type BunRouteRequest = Request & { params: Record<string, string> };
/** A response, or undefined to let the app answer. */
type Handler = (request: BunRouteRequest, server: ServerLike) => Promise<Response | undefined>;

interface Allowed {
  at: number;
  signedIn: boolean;
  removal: string[];
  /** The listener estimate's key; null: the address and user agent decide. */
  listener: string | null;
}

/** Decisions that let someone listen, by room and cookie header, for `accessTtlMs`: two generations swapped each period, so old ones go without a sweep. */
class AccessCache {
  private current = new Map<string, Allowed>();
  private previous = new Map<string, Allowed>();
  private swappedAt = 0;

  get(key: string, now: number): Allowed | undefined {
    this.rotate(now);
    const found = this.current.get(key) ?? this.previous.get(key);
    return found && now - found.at < accessTtlMs ? found : undefined;
  }

  set(key: string, allowed: Allowed) {
    this.rotate(allowed.at);
    this.current.set(key, allowed);
  }

  private rotate(now: number) {
    if (now - this.swappedAt < accessTtlMs) return;
    this.previous = this.current;
    this.current = new Map();
    this.swappedAt = now;
  }
}

/** Bun routes for the two HLS paths; `fallback` is the app (Elysia) for anything not answered here. */
export function hlsFastRoutes(deps: Deps, fallback: (request: Request) => Response | Promise<Response>) {
  const cache = new AccessCache();
  const common = { ...securityHeaders(deps.config), ...hlsCorsHeaders };
  const playlistHeaders = { ...common, 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': playlistCacheControl };
  const segmentHeaders = { ...common, 'content-type': 'audio/aac', 'cache-control': segmentCacheControl };

  /** The decision for this request, from the cache or made now; undefined when refused (the app says why). */
  const allowed = async (request: Request, roomId: string, live: Parameters<typeof refusal>[1]): Promise<Allowed | undefined> => {
    const cookie = request.headers.get('cookie') ?? '';
    const key = `${roomId}\n${cookie}`;
    const now = Date.now();
    let decision = cache.get(key, now);
    if (!decision) {
      const cookies = parseCookies(cookie);
      const signedIn = cookies[sessionCookie] ? await deps.sessions.resolve(cookies[sessionCookie]) : null;
      const who: Listener = { viewer: signedIn?.user ?? null, browser: deps.anonymous.verify(cookies[anonymousCookie]) };
      if (await refusal(deps.rooms, live, who, deps.settings.get())) return undefined;
      decision = { at: now, signedIn: !!who.viewer, removal: removalKeys(who), listener: listenerKey(who) };
      cache.set(key, decision);
    }
    // Removals and the instance's own settings are in memory: they count from the very next request.
    if (!decision.signedIn && deps.settings.get().requireAccountToListen === 'yes') return undefined;
    return wasRemoved(live, decision.removal) ? undefined : decision;
  };

  /** Answers here when it can, timed for /metrics under the app's route label; otherwise the app answers (and times it). */
  const route = (label: string, handle: Handler) => async (request: BunRouteRequest, server: ServerLike) => {
    deps.metrics.requests.start(request);
    const response = await handle(request, server);
    if (!response) return fallback(request);
    deps.metrics.requests.finish(request, label, response.status);
    return response;
  };

  const playlist: Handler = async (request, server) => {
    const found = findStream(deps.hls, request.params.id!);
    const decision = found && (await allowed(request, found.stream.roomId, found.live));
    if (!found || !decision) return undefined;
    const { stream } = found;
    deps.hls.sawListener(stream.roomId, decision.listener ?? addressKey(clientIp(request, server, deps.config.trustProxy), request.headers.get('user-agent')));
    await stream.touch(Date.now());
    const { text, etag } = stream.playlist();
    const headers = { ...playlistHeaders, etag };
    if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
    return new Response(text, { headers });
  };

  const segment: Handler = async (request) => {
    const found = findStream(deps.hls, request.params.id!);
    const match = segmentPattern.exec(request.params.segment!);
    const data = found && match ? found.stream.segment(Number(match[1])) : undefined;
    if (!found || !data || !(await allowed(request, found.stream.roomId, found.live))) return undefined;
    return new Response(data.data, { headers: { ...segmentHeaders, etag: `"${found.stream.roomId}-${data.seq}"` } });
  };

  return {
    '/r/:id/live.m3u8': { GET: route('/r/:id/live.m3u8', playlist) },
    '/r/:id/live/:segment': { GET: route('/r/:id/live/:segment', segment) },
  };
}
