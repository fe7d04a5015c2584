// Starts and stops a whole Salon instance: database → migrations → media workers → HTTP.
// main.ts and the integration tests share it, so tests run the real start-up.
import type { SalonConfig } from './config/config.schema';
import { openDatabase, type Db } from './db/connection';
import { migrateToLatest } from './db/migrator';
import type { Logger } from './log';
import { announcedIp } from './media/announced-ip';
import { httpsWarning } from './admin/network-report';
import { loadMediasoup } from './media/mediasoup-loader';
import { MediaWorkerPool } from './media/worker-pool';
import { createApp, type AppDeps } from './app';
import { roomFrameLimitBytes } from './realtime/room-connections';
import { createServices } from './services';
import { endOrphanedRooms } from './rooms/rooms.repository';
import { startPeriodicPurge } from './cleanup';
import { listenOrExplain, startHttps, type HttpsService } from './tls/https-service';
import { tlsMode } from './tls/tls-settings';

export interface RunningSalon {
  url: string;
  port: number;
  db: Db;
  pool: MediaWorkerPool;
  deps: AppDeps;
  /** HTTPS (certificate files or ACME), when tlsCert or domain is set. */
  https?: HttpsService;
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
  await deps.notifications.start(); // deliveries a crash left half-done go out again
  // Room socket frames over the limit are refused by Bun before any parsing (the socket closes, code 1009).
  const app = createApp(deps);
  const websocket = { maxPayloadLength: roomFrameLimitBytes };
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const hostInUrl = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  let port: number;
  let url: string;
  let https: HttpsService | undefined;
  // A port or certificate problem stops start-up: close what was opened, then say why.
  const abandon = async (error: unknown): Promise<never> => {
    stopPurging();
    await deps.jobs.stop();
    await deps.notifications.stop();
    await pool.close();
    await db.destroy();
    throw error;
  };
  if (tlsMode(config) === 'off') {
    const server = await Promise.resolve()
      .then(() => listenOrExplain('port', config.port, () => app.listen({ hostname: config.host, port: config.port, websocket }).server!))
      .catch(abandon);
    deps.live.setPublisher({ publish: (topic, data) => void server.publish(topic, data) });
    port = server.port!;
    url = `http://${hostInUrl}:${port}`;
  } else {
    // Each new certificate gets a new listener on the same port (see tls/https-listener.ts).
    const listen = (tls: { cert: string; key: string }, listenPort: number) =>
      app.listen({ hostname: config.host, port: listenPort, tls: { cert: tls.cert, key: tls.key }, websocket }).server!;
    const service = await startHttps({ config, log, listen, checkIntervalMs: config.acmeCheckIntervalSeconds * 1000 }).catch(abandon);
    https = service;
    deps.live.setPublisher({ publish: (topic, data) => service.publish(topic, data) });
    port = service.port;
    url = `https://${config.domain || hostInUrl}${port === 443 ? '' : `:${port}`}`;
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      stopPurging();
      await deps.live.endAll('shutdown'); // tell every room, write its history
      await deps.recorders.settled(); // recordings closed and queued for mixing (done after restart)
      await deps.hls.close(); // live HLS mixes stop with their ffmpeg processes
      await deps.jobs.stop(); // the job in hand finishes; the rest wait in the table
      await deps.notifications.stop(); // deliveries in flight are sent and recorded; the rest wait in the outbox
      await (https ? https.stop() : app.stop()); // stop accepting, let in-flight requests finish
      await pool.close();
      await db.destroy();
    })());
  // Plain http for people on other machines: they could listen, not speak. Said once, with what browsers are handed.
  const warning = httpsWarning(config);
  if (warning) log.warn(warning.message, warning.fields);
  return { url, port, db, pool, deps, https, stop };
}
