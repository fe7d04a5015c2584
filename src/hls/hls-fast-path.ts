// The hot path of live HLS. Every HLS listener asks for the playlist and for a segment about once
// a second each, so 20,000 listeners are ~40,000 requests a second; the full Elysia path (global
// hooks, a whole request context, a session and a block lookup each time) costs several times
// what serving the bytes does. These handlers sit in Bun's own router, before Elysia: they answer
// a request that may listen from an access decision kept for a second per room and cookie header,
// synchronously, with the responses both paths share (hls-responses.ts); and they hand everything
// else (unknown rooms, refusals, odd names) to the app, whose routes (hls.routes.ts) give the same
// decision with the usual error responses. Removals and settings are
// checked on every request; a new block or suspension (database lookups) reaches HLS within a second.
// Requests answered here are counted in salon_hls_requests_total, not in the HTTP latency histogram.
import type { AppDeps } from '../app-deps';
import { anonymousCookie } from '../rooms/anonymous-listener';
import type { LiveRoom } from '../rooms/live/live-room';
import { parseCookies, sessionCookie } from '../web/cookies';
import { clientIp, type ServerLike } from '../web/request-context';
import { securityHeaders } from '../web/security-headers';
import { addressKey, listenerKey, refusal, removalKeys, wasRemoved, type Listener } from './hls-access';
import { findStream, segmentPattern } from './hls.routes';
import { HlsResponses } from './hls-responses';
import type { LiveStream } from './live-stream';

export const accessTtlMs = 1000;

type Deps = Pick<AppDeps, 'anonymous' | 'config' | 'hls' | 'metrics' | 'rooms' | 'sessions' | 'settings'>;
type RouteRequest = Request & { params: Record<string, string> };
type Found = { stream: LiveStream; live: LiveRoom };

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
  const responses = new HlsResponses(securityHeaders(deps.config)); // no app hooks here to add them

  // Removals and the instance's own settings are in memory: they count from the very next request.
  const stillAllowed = (decision: Allowed, live: LiveRoom) =>
    (decision.signedIn || deps.settings.get().requireAccountToListen !== 'yes') && !wasRemoved(live, decision.removal);

  /** Decides now (a session and a block lookup) and remembers a decision to let them listen. */
  const decide = async (cookie: string, key: string, found: Found, now: number): Promise<Allowed | null> => {
    const cookies = parseCookies(cookie);
    const signedIn = cookies[sessionCookie] ? await deps.sessions.resolve(cookies[sessionCookie]) : null;
    const who: Listener = { viewer: signedIn?.user ?? null, browser: deps.anonymous.verify(cookies[anonymousCookie]) };
    if (await refusal(deps.rooms, found.live, who, deps.settings.get())) return null;
    const decision = { at: now, signedIn: !!who.viewer, removal: removalKeys(who), listener: listenerKey(who) };
    cache.set(key, decision);
    return decision;
  };

  /** Answers with `answer` once allowed: synchronously on a cached decision, else after deciding; the app answers refusals. */
  const whenAllowed = (request: Request, found: Found, answer: (decision: Allowed) => Response | Promise<Response>) => {
    const now = Date.now();
    const cookie = request.headers.get('cookie') ?? '';
    const key = `${found.stream.roomId}\n${cookie}`;
    const decision = cache.get(key, now);
    if (decision) return stillAllowed(decision, found.live) ? answer(decision) : fallback(request);
    return decide(cookie, key, found, now).then((fresh) => (fresh ? answer(fresh) : fallback(request)));
  };

  const playlistResponse = (request: Request, stream: LiveStream): Response => {
    deps.metrics.hlsServed('playlist');
    return responses.playlist(request, stream);
  };

  const playlist = (request: RouteRequest, server: ServerLike) => {
    const found = findStream(deps.hls, request.params.id!);
    if (!found) return fallback(request);
    return whenAllowed(request, found, (decision) => {
      const { stream } = found;
      deps.hls.sawListener(stream.roomId, decision.listener ?? addressKey(clientIp(request, server, deps.config.trustProxy), request.headers.get('user-agent')));
      if (stream.noteRequest(Date.now())) return playlistResponse(request, stream);
      return stream.touch(Date.now()).then(() => playlistResponse(request, stream)); // a mix just started: its first segment
    });
  };

  const segment = (request: RouteRequest) => {
    const found = findStream(deps.hls, request.params.id!);
    const match = segmentPattern.exec(request.params.segment!);
    const data = found && match ? found.stream.segment(Number(match[1])) : undefined;
    if (!found || !data) return fallback(request);
    return whenAllowed(request, found, () => {
      deps.metrics.hlsServed('segment');
      return responses.segment(found.stream, data);
    });
  };

  return {
    '/r/:id/live.m3u8': { GET: playlist },
    '/r/:id/live/:segment': { GET: segment },
  };
}
