// Purges what has expired: sessions past their expiry (in the database) and rate-limit windows that
// have ended (in memory). The server runs it on a timer; `salon cleanup` runs the database part.
import type { SessionsService } from './accounts/sessions.service';
import type { Logger } from './log';
import type { RateLimiter } from './shared/rate-limiter';

export interface Purged {
  sessions: number;
  rateLimitWindows: number;
}

export async function purgeExpired(deps: { sessions: SessionsService; limiter?: RateLimiter }): Promise<Purged> {
  return { sessions: await deps.sessions.deleteExpired(), rateLimitWindows: deps.limiter?.prune() ?? 0 };
}

/** Purges now and then every `intervalMs`; the returned function stops it (server shutdown). */
export function startPeriodicPurge(deps: { sessions: SessionsService; limiter: RateLimiter; log: Logger }, intervalMs = 3600_000): () => void {
  const run = async () => {
    try {
      const purged = await purgeExpired(deps);
      deps.log[purged.sessions || purged.rateLimitWindows ? 'info' : 'debug']('expired data purged', { ...purged });
    } catch (error) {
      deps.log.error('purging expired data failed', { error }); // tried again at the next tick
    }
  };
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref(); // never keeps the process alive on its own
  return () => clearInterval(timer);
}
