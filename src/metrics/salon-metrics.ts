// What GET /metrics tells Prometheus, read on scrape (gauges collect from the live objects and the
// database, cached briefly so several scrapers or a fast interval stay cheap) plus the few counters
// that events feed (joins, HTTP requests). Metric names are prefixed salon_; the Grafana dashboard in
// docs/grafana-dashboard.json uses them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { types } from 'mediasoup';
import type { Db } from '../db/connection';
import type { MediaRooms } from '../media/media-rooms';
import { MediaWorkerPool } from '../media/worker-pool';
import type { LiveRooms } from '../rooms/live/live-rooms';
import type { Role } from '../rooms/live/room.model';
import { MediaCounters } from './media-counters';
import { queueDepths, type QueueDepths } from './queue-depths';
import { RequestTimer } from './http-latency';

const roles: readonly Role[] = ['host', 'cohost', 'speaker', 'listener'];
/** Seconds: most pages answer in a few ms, uploads and mixing pages can take a second or more. */
const latencyBuckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const databaseCacheMs = 2_000;

export interface SalonMetricsDeps {
  db: Db;
  live: LiveRooms;
  media: Pick<MediaRooms, 'find'>;
  pool: Pick<MediaWorkerPool, 'liveWorkers'>;
  /** Packet counters sample consumer stats at most this often (ms). */
  mediaSampleMs?: number;
}

export class SalonMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly media: MediaCounters;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly joins: Counter;
  private readonly hlsCounts = { playlist: 0, segment: 0 };
  private depths: { at: number; value: Promise<QueueDepths> } | null = null;

  constructor(private readonly deps: SalonMetricsDeps) {
    this.media = new MediaCounters(deps.mediaSampleMs);
    for (const worker of deps.pool.liveWorkers()) this.media.watch(worker);
    const registers = [this.registry];
    const metrics = this;

    this.httpDuration = new Histogram({
      name: 'salon_http_request_duration_seconds',
      help: 'HTTP request latency by matched route pattern (not the raw URL), method and status',
      labelNames: ['method', 'route', 'status'],
      buckets: latencyBuckets,
      registers,
    });
    const hlsCounts = this.hlsCounts;
    new Counter({
      name: 'salon_hls_requests_total',
      help: 'Live HLS playlists and segments served to listeners (refusals and 404s are in the HTTP histogram)',
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset(); // plain numbers on the hot path; copied here on scrape
        for (const kind of ['playlist', 'segment'] as const) this.inc({ kind }, hlsCounts[kind]);
      },
    });
    this.joins = new Counter({ name: 'salon_room_joins_total', help: 'People who joined a live room (first join of each participant; reconnects not counted)', registers });
    const started = new Counter({ name: 'salon_rooms_started_total', help: 'Rooms that went live since the server started', registers });
    deps.live.startObservers.add((room) => {
      started.inc();
      room.eventObservers.add((event) => {
        if (event.type === 'participantJoined') this.joins.inc();
      });
    });

    new Gauge({
      name: 'salon_rooms_live',
      help: 'Rooms live now',
      registers,
      collect() {
        this.set(deps.live.all().length);
      },
    });
    new Gauge({
      name: 'salon_room_participants',
      help: 'People in live rooms now, by role',
      labelNames: ['role'],
      registers,
      collect() {
        const rooms = deps.live.all();
        for (const role of roles) this.set({ role }, rooms.reduce((sum, room) => sum + room.state.count(role), 0));
      },
    });
    new Gauge({
      name: 'salon_room_sockets_open',
      help: 'Room WebSockets open now',
      registers,
      collect() {
        this.set(deps.live.all().reduce((sum, room) => sum + room.sockets.size, 0));
      },
    });
    new Gauge({
      name: 'salon_media_workers_up',
      help: 'Media workers running',
      registers,
      collect() {
        this.set(deps.pool.liveWorkers().length);
      },
    });
    new Counter({
      name: 'salon_media_worker_cpu_seconds_total',
      help: 'CPU time used by each media worker process (user + system)',
      labelNames: ['worker'],
      registers,
      async collect() {
        this.reset(); // read whole from the worker each time: a restarted worker starts again from 0
        await Promise.all(
          deps.pool.liveWorkers().map(async (worker) => {
            const usage = await worker.getResourceUsage().catch(() => undefined);
            if (usage) this.inc({ worker: workerLabel(worker) }, (usage.ru_utime + usage.ru_stime) / 1000);
          }),
        );
      },
    });
    new Gauge({
      name: 'salon_media_worker_routers',
      help: 'mediasoup routers on each media worker',
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        for (const worker of deps.pool.liveWorkers()) this.set({ worker: workerLabel(worker) }, (worker.appData.routerCount as number | undefined) ?? 0);
      },
    });
    new Gauge({
      name: 'salon_media_worker_listeners',
      help: 'Listeners placed on each media worker',
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        for (const worker of deps.pool.liveWorkers()) this.set({ worker: workerLabel(worker) }, MediaWorkerPool.listenersOf(worker));
      },
    });
    new Gauge({
      name: 'salon_media_worker_listener_streams',
      help: 'Listener streams (listeners × speakers) each media worker forwards',
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        const byPid = new Map<number, number>();
        for (const worker of deps.pool.liveWorkers()) byPid.set(worker.pid, 0);
        for (const room of deps.live.all()) {
          const media = deps.media.find(room.id);
          if (!media || media.closed) continue;
          const speakers = Math.max(1, media.producers().length);
          for (const load of media.routerLoad()) byPid.set(load.workerPid, (byPid.get(load.workerPid) ?? 0) + load.listeners * speakers);
        }
        for (const worker of deps.pool.liveWorkers()) this.set({ worker: workerLabel(worker) }, byPid.get(worker.pid) ?? 0);
      },
    });
    new Counter({
      name: 'salon_media_packets_forwarded_total',
      help: 'RTP packets the media workers sent to listeners, recorders and other workers (sampled on scrape)',
      registers,
      async collect() {
        await metrics.sampleMedia();
        this.reset();
        this.inc(metrics.media.packets);
      },
    });
    new Counter({
      name: 'salon_media_bytes_forwarded_total',
      help: 'RTP bytes the media workers sent to listeners, recorders and other workers (sampled on scrape)',
      registers,
      async collect() {
        await metrics.sampleMedia();
        this.reset();
        this.inc(metrics.media.bytes);
      },
    });
    const depth = (name: string, help: string, pick: (d: QueueDepths) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(pick(await metrics.queueDepths()));
        },
      });
    depth('salon_jobs_pending', 'Background jobs waiting to run (finalising recordings, ...)', (d) => d.jobsPending);
    depth('salon_notification_deliveries_pending', 'Notification deliveries waiting in the outbox (web push, email)', (d) => d.deliveriesPending);
    depth('salon_recordings_in_progress', 'Rooms being recorded now', (d) => d.recordingsInProgress);
    new Gauge({
      name: 'process_resident_memory_bytes',
      help: 'Resident memory of the Salon process (without its media workers)',
      registers,
      collect() {
        this.set(process.memoryUsage().rss);
      },
    });
    new Counter({
      name: 'process_cpu_seconds_total',
      help: 'CPU time used by the Salon process (without its media workers)',
      registers,
      collect() {
        const { user, system } = process.cpuUsage();
        this.reset();
        this.inc((user + system) / 1e6);
      },
    });
  }

  /** A media worker started after this object (a replacement): follow its consumers too. */
  watchWorker(worker: types.Worker): void {
    this.media.watch(worker);
  }

  /** One live HLS playlist or segment served (the HLS fast path: too many for the latency histogram to be worth its cost). */
  hlsServed(kind: 'playlist' | 'segment') {
    this.hlsCounts[kind]++;
  }

  /** app.ts starts it in onRequest and finishes it in onAfterResponse. */
  readonly requests = new RequestTimer((method, route, status, seconds) => this.httpDuration.observe({ method, route, status: String(status) }, seconds));

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    for (const worker of this.deps.pool.liveWorkers()) this.media.watch(worker); // replacements since the last scrape
    return this.registry.metrics();
  }

  private sampleMedia(): Promise<void> {
    return this.media.sample();
  }

  private queueDepths(): Promise<QueueDepths> {
    const now = Date.now();
    if (!this.depths || now - this.depths.at > databaseCacheMs) this.depths = { at: now, value: queueDepths(this.deps.db) };
    return this.depths.value;
  }
}

const workerLabel = (worker: types.Worker) => String(worker.appData.index ?? worker.pid);
