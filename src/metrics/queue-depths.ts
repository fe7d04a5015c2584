// The database side of /metrics: work waiting in the durable queues, and recordings running.
import type { Db } from '../db/connection';

export interface QueueDepths {
  jobsPending: number;
  deliveriesPending: number;
  recordingsInProgress: number;
}

export async function queueDepths(db: Db): Promise<QueueDepths> {
  const count = (rows: { n: number | string | bigint } | undefined) => Number(rows?.n ?? 0);
  const [jobs, deliveries, recordings] = await Promise.all([
    db.selectFrom('jobs').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirst(),
    db.selectFrom('notification_deliveries').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirst(),
    db.selectFrom('recordings').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'recording').executeTakeFirst(),
  ]);
  return { jobsPending: count(jobs), deliveriesPending: count(deliveries), recordingsInProgress: count(recordings) };
}
