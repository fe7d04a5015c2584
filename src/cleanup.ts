// Purges what has expired: sessions past their expiry (in the database) and rate-limit windows that
// have ended (in memory). The server runs it on a timer; `salon cleanup` runs the database part.
import type { SessionsService } from './accounts/sessions.service';
import type { Logger } from './log';
import { purgeExpiredReplays, type ReplayRetentionDeps } from './recording/retention';
import type { RateLimiter } from './shared/rate-limiter';
import type { ClipsService } from './recording/clips/clips.service';
import type { SchedulesService } from './schedules/schedules.service';
import { startReminderTimer } from './schedules/reminder-timer';
import type { ReportsService } from './reports/reports.service';

export interface Purged {
  sessions: number;
  rateLimitWindows: number;
  /** Replays past the instance's retention (files and rows). */
  replays: number;
}

export async function purgeExpired(deps: { sessions: SessionsService; limiter?: RateLimiter; retention?: ReplayRetentionDeps }): Promise<Purged> {
  return { sessions: await deps.sessions.deleteExpired(), rateLimitWindows: deps.limiter?.prune() ?? 0, replays: deps.retention ? await purgeExpiredReplays(deps.retention) : 0 };
}

/** Clips past their retention (the instance setting): rows and files. */
export async function purgeExpiredClips(deps: { clips?: Pick<ClipsService, 'purgeExpired'> }): Promise<number> {
  return deps.clips ? deps.clips.purgeExpired() : 0;
}

/** Report evidence past its retention (30 days after filing, more when acted upon): files and columns. */
export async function purgeExpiredEvidence(deps: { reports?: Pick<ReportsService, 'purgeExpiredEvidence'> }): Promise<number> {
  return deps.reports ? deps.reports.purgeExpiredEvidence() : 0;
}

/** Purges now and then every `intervalMs` (and runs the scheduled rooms' 30-second timer); the returned function stops both (server shutdown). */
export function startPeriodicPurge(deps: { sessions: SessionsService; limiter: RateLimiter; log: Logger; clips?: Pick<ClipsService, 'purgeExpired'>; reports?: Pick<ReportsService, 'purgeExpiredEvidence'>; schedules?: Pick<SchedulesService, 'processDue'> } & ReplayRetentionDeps, intervalMs = 3600_000): () => void {
  const stopReminders = deps.schedules ? startReminderTimer({ schedules: deps.schedules, log: deps.log }) : () => {};
  const run = async () => {
    try {
      const clips = await purgeExpiredClips(deps);
      if (clips) deps.log.info('expired clips purged', { clips });
      const evidence = await purgeExpiredEvidence(deps);
      if (evidence) deps.log.info('expired report evidence purged', { evidence });
      const purged = await purgeExpired({ ...deps, retention: deps });
      deps.log[purged.sessions || purged.rateLimitWindows || purged.replays ? 'info' : 'debug']('expired data purged', { ...purged });
    } catch (error) {
      deps.log.error('purging expired data failed', { error }); // tried again at the next tick
    }
  };
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref(); // never keeps the process alive on its own
  return () => {
    clearInterval(timer);
    stopReminders();
  };
}
