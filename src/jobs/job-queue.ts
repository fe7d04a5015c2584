// Runs durable jobs one at a time (media work is CPU-heavy; two cores are shared with the SFU).
// A failed attempt is retried with exponential backoff; after the last one the job is 'failed'
// and its handler's `onGaveUp` tells the people concerned. Jobs interrupted by a crash run again.
import type { Db } from '../db/connection';
import type { Job } from '../db/schema';
import type { Logger } from '../log';
import { PollingLoop } from '../shared/polling-loop';
import { claimDueJob, insertJob, markJobDone, markJobFailed, requeueInterruptedJobs, rescheduleJob } from './jobs.repository';

export interface JobHandler<P = unknown> {
  run(payload: P, job: Job): Promise<void>;
  /** The last attempt failed. */
  onGaveUp?(payload: P, error: string): Promise<void>;
}

export interface JobQueueOptions {
  maxAttempts?: number;
  /** First retry delay; doubles on each attempt, capped at an hour. */
  backoffMs?: number;
  pollMs?: number;
}

export class JobQueue {
  private readonly handlers = new Map<string, JobHandler<any>>();
  private readonly loop: PollingLoop;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    options: JobQueueOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.backoffMs = options.backoffMs ?? 5000;
    this.pollMs = options.pollMs ?? 1000;
    this.loop = new PollingLoop(() => this.runOne(), { intervalMs: this.pollMs, onError: (error) => this.log.error('the job loop failed', { error }) });
  }

  register<P>(kind: string, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler);
  }

  /** `delayMs`: not before then (e.g. until processes a crash orphaned have finished their files). */
  async enqueue(kind: string, payload: unknown, delayMs = 0): Promise<number> {
    if (!this.handlers.has(kind)) this.log.warn('a job was queued that nothing here runs yet', { kind });
    const id = await insertJob(this.db, kind, payload, Date.now() + delayMs);
    this.loop.kick();
    return id;
  }

  async start(): Promise<void> {
    const requeued = await requeueInterruptedJobs(this.db);
    if (requeued) this.log.info('jobs interrupted by a restart run again', { count: requeued });
    this.loop.start();
  }

  /** Stops taking jobs and waits for the one in hand. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Resolves when no job is due any more (tests, and commands that wait for their work). */
  drain(): Promise<void> {
    return this.loop.drain(() => hasDueJob(this.db));
  }

  /** One due job, if any. */
  private async runOne(): Promise<boolean> {
    const job = await claimDueJob(this.db, Date.now()).catch((error) => {
      this.log.error('could not read the job table', { error });
      return undefined;
    });
    if (!job) return false;
    const handler = this.handlers.get(job.kind);
    const payload = JSON.parse(job.payload);
    try {
      if (!handler) throw new Error(`No handler for job kind ${job.kind}`);
      await handler.run(payload, job);
      await markJobDone(this.db, job.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (job.attempts >= this.maxAttempts) {
        this.log.error('job failed for good', { job: job.id, kind: job.kind, attempts: job.attempts, error });
        await markJobFailed(this.db, job.id, message);
        await handler?.onGaveUp?.(payload, message).catch((e) => this.log.error('job give-up handler failed', { job: job.id, error: e }));
      } else {
        const delay = Math.min(this.backoffMs * 2 ** (job.attempts - 1), 3_600_000);
        this.log.warn('job failed; will retry', { job: job.id, kind: job.kind, attempt: job.attempts, retryInMs: delay, error });
        await rescheduleJob(this.db, job.id, message, Date.now() + delay);
      }
    }
    return true;
  }
}

async function hasDueJob(db: Db): Promise<boolean> {
  const row = await db.selectFrom('jobs').select('id').where('status', '=', 'pending').where('run_after', '<=', new Date().toISOString()).limit(1).executeTakeFirst();
  return !!row;
}
