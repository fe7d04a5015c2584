// Starts and stops a whole Salon instance: database → migrations → media workers → HTTP.
// main.ts and the integration tests share it, so tests run the real start-up.
import type { SalonConfig } from './config/config.schema';
import { openDatabase, type Db } from './db/connection';
import { migrateToLatest } from './db/migrator';
import type { Logger } from './log';
import { announcedIp } from './media/announced-ip';
import { loadMediasoup } from './media/mediasoup-loader';
import { MediaWorkerPool } from './media/worker-pool';
import { createApp, type AppDeps } from './app';
import { roomFrameLimitBytes } from './realtime/room-connections';
import { createServices } from './services';
import { endOrphanedRooms } from './rooms/rooms.repository';
import { startPeriodicPurge } from './cleanup';

export interface RunningSalon {
  url: string;
  port: number;
  db: Db;
  pool: MediaWorkerPool;
  deps: AppDeps;
  stop(): Promise<void>;
}

export async function startSalon(config: SalonConfig, log: Logger): Promise<RunningSalon> {
  const db = openDatabase(config.dataDir);
  const applied = await migrateToLatest(db);
  if (applied.length) log.info('database migrated', { applied: applied.map((m) => m.migrationName).join(',') });
  const orphaned = await endOrphanedRooms(db); // rooms left live by a crash or kill
  if (orphaned) log.warn('rooms left live by the previous run were marked ended', { count: orphaned });

  const { mediasoup, workerBin } = await loadMediasoup(config.dataDir);
  const pool = await MediaWorkerPool.start(mediasoup, {
    size: config.workers,
    webRtc: { listenIp: config.rtcListenIp, announcedIp: announcedIp(config), basePort: config.webRtcPort },
    rtcMinPort: config.rtcMinPort,
    rtcMaxPort: config.rtcMaxPort,
    healthIntervalMs: config.workerHealthIntervalMs,
    log,
  });
  log.info('media workers ready', { count: config.workers, announcedIp: announcedIp(config), bin: workerBin });

  const deps = await createServices({ config, db, pool, log });
  const stopPurging = startPeriodicPurge(deps); // expired sessions and rate-limit windows, hourly
  const interrupted = await deps.recorders.recoverInterrupted(); // recordings a crash cut short are finalised
  if (interrupted) log.warn('recordings interrupted by the previous run will be finalised', { count: interrupted });
  await deps.jobs.start();
  // Room socket frames over the limit are refused by Bun before any parsing (the socket closes, code 1009).
  const app = createApp(deps).listen({ hostname: config.host, port: config.port, websocket: { maxPayloadLength: roomFrameLimitBytes } });
  const server = app.server!;
  deps.live.setPublisher({ publish: (topic, data) => void server.publish(topic, data) });
  const port = server.port!;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      stopPurging();
      await deps.live.endAll('shutdown'); // tell every room, write its history
      await deps.recorders.settled(); // recordings closed and queued for mixing (done after restart)
      await deps.jobs.stop(); // the job in hand finishes; the rest wait in the table
      await app.stop(); // stop accepting, let in-flight requests finish
      await pool.close();
      await db.destroy();
    })());
  return { url, port, db, pool, deps, stop };
}
