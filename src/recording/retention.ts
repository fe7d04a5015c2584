// Replay retention: recordings whose room ended more than `replayRetentionDays` days ago are deleted,
// files (the recording's folder, its clips' files) and rows (tracks, timeline and clips cascade).
// 0 days keeps everything. A recording still recording or processing is never touched. Run by the
// server's hourly purge and by `salon cleanup` (src/cleanup.ts).
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Db } from '../db/connection';
import type { Logger } from '../log';
import type { InstanceSettings } from '../settings/settings.schema';
import { deleteFinishedRecording, findExpiredRecordings } from './recording-storage.repository';

export interface ReplayRetentionDeps {
  db: Db;
  settings: { get(): Readonly<Pick<InstanceSettings, 'replayRetentionDays'>> };
  config: { dataDir: string };
  /** The running server's recorders (where a recording's files live); `salon cleanup` has none. */
  recorders?: { dirOf(recordingId: string): string };
  log?: Logger;
}

const dayMs = 24 * 3600_000;
const batchSize = 100;

/** Where a recording's files live when no RoomRecorders runs (the same folder as `RoomRecorders.dirOf`). */
export const recordingDirIn = (dataDir: string, recordingId: string) => join(dataDir, 'recordings', recordingId);

/** Deletes the replays past the instance's retention; returns how many went. */
export async function purgeExpiredReplays(deps: ReplayRetentionDeps, now = Date.now()): Promise<number> {
  const days = deps.settings.get().replayRetentionDays;
  if (!days) return 0;
  const endedBefore = new Date(now - days * dayMs).toISOString();
  const dirOf = (id: string) => (deps.recorders ? deps.recorders.dirOf(id) : recordingDirIn(deps.config.dataDir, id));
  let purged = 0;
  const skipped = new Set<string>();
  for (;;) {
    const expired = (await findExpiredRecordings(deps.db, endedBefore, batchSize + skipped.size)).filter((r) => !skipped.has(r.id));
    if (!expired.length) return purged;
    for (const recording of expired) {
      // Rows first: a file left behind by a failure is only disk, a row without files a broken replay.
      if (!(await deleteFinishedRecording(deps.db, recording.id))) {
        skipped.add(recording.id); // started processing since it was listed
        continue;
      }
      purged++;
      try {
        await rm(dirOf(recording.id), { recursive: true, force: true });
        for (const file of recording.clipFiles) await rm(join(deps.config.dataDir, 'clips', basename(file)), { force: true });
      } catch (error) {
        deps.log?.error('could not delete the files of an expired replay', { recording: recording.id, error });
      }
    }
    if (expired.length < batchSize) return purged;
  }
}
