// The plain HTTP port when HTTPS is on: it answers the ACME HTTP-01 challenges (the certificate
// authority fetches them over plain HTTP, port 80) and sends everything else to https with a 308,
// which keeps the method and body. Until a first certificate exists it says so instead.
import type { Server } from 'bun';

export const challengePrefix = '/.well-known/acme-challenge/';

export interface RedirectOptions {
  hostname: string;
  port: number;
  /** token → key authorization, filled while an ACME order is being validated. */
  challenges: ReadonlyMap<string, string>;
  /** The HTTPS port once it listens; undefined while the first certificate is still being obtained. */
  httpsPort(): number | undefined;
  /** Why HTTPS is not there yet (shown to visitors of the plain port meanwhile). */
  waitingReason(): string;
}

export function startRedirectServer(options: RedirectOptions): Server<unknown> {
  return Bun.serve({
    hostname: options.hostname,
    port: options.port,
    fetch(request) {
      const url = new URL(request.url);
      if (url.pathname.startsWith(challengePrefix)) {
        const answer = options.challenges.get(url.pathname.slice(challengePrefix.length));
        return answer
          ? new Response(answer, { headers: { 'content-type': 'text/plain' } })
          : new Response('No such ACME challenge\n', { status: 404, headers: { 'content-type': 'text/plain' } });
      }
      const httpsPort = options.httpsPort();
      if (httpsPort === undefined) {
        return new Response(`This Salon serves HTTPS only, and has no certificate yet: ${options.waitingReason()}\n`, {
          status: 503,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '60' },
        });
      }
      // The name the visitor used, on the HTTPS port: as reached, never a name from our config.
      const port = httpsPort === 443 ? '' : `:${httpsPort}`;
      return new Response(null, { status: 308, headers: { location: `https://${url.hostname}${port}${url.pathname}${url.search}` } });
    },
  });
}
