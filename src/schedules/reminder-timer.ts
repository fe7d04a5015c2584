// Runs the schedules' due work every 30 seconds, and once at start-up: what fell due while the
// server was down is done late, not lost.
import type { Logger } from '../log';
import type { SchedulesService } from './schedules.service';

export const reminderIntervalMs = 30_000;

export function startReminderTimer(deps: { schedules: Pick<SchedulesService, 'processDue'>; log: Logger }, intervalMs = reminderIntervalMs): () => void {
  let running: Promise<void> | null = null;
  const run = () =>
    (running ??= deps.schedules
      .processDue()
      .then((done) => {
        if (done.startingSoon || done.missed) deps.log.info('scheduled rooms: due work done', done);
      })
      .catch((error) => deps.log.error('scheduled rooms: due work failed', { error })) // tried again next round
      .finally(() => (running = null)));
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
