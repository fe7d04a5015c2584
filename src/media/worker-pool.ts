// A fixed number of mediasoup workers (one per core by default). Each is health-checked; one that
// dies or stops answering is logged and replaced, with backoff, and the server stays up.
import { readFileSync } from 'node:fs';
import type { types } from 'mediasoup';
import type { Logger } from '../log';
import { StartupError } from '../startup-error';
import type { Mediasoup } from './mediasoup-loader';

export interface WorkerPoolOptions {
  size: number;
  /** Where browsers reach worker N: one UDP+TCP port each (base + N; 0 = random). */
  webRtc: { listenIp: string; announcedIp: string; basePort: number };
  rtcMinPort: number;
  rtcMaxPort: number;
  healthIntervalMs: number;
  log: Logger;
}

interface WorkerSlot {
  index: number;
  worker?: types.Worker;
  restarts: number;
  /** Deaths in a row without a minute of uptime between them; drives the backoff. */
  crashStreak: number;
  startedAt: number;
  failedChecks: number;
  /** The worker's CPU time at the last health check (ms), to tell busy from stuck. */
  lastCpuMs?: number;
  restartTimer?: Timer;
}

export interface WorkerStatus {
  index: number;
  pid: number | null;
  alive: boolean;
  restarts: number;
}

/** A fixed number of media workers, each restarted when it dies or stops answering (rooms on it move by themselves). */
export class MediaWorkerPool {
  private readonly slots: WorkerSlot[];
  private healthTimer?: Timer;
  private closed = false;
  private checking = false;

  private constructor(
    private readonly mediasoup: Mediasoup,
    private readonly options: WorkerPoolOptions,
  ) {
    this.slots = Array.from({ length: options.size }, (_, index) => ({ index, restarts: 0, crashStreak: 0, startedAt: 0, failedChecks: 0 }));
  }

  static async start(mediasoup: Mediasoup, options: WorkerPoolOptions): Promise<MediaWorkerPool> {
    const pool = new MediaWorkerPool(mediasoup, options);
    await Promise.all(pool.slots.map((slot) => pool.spawn(slot)));
    pool.healthTimer = setInterval(() => void pool.checkHealth(), options.healthIntervalMs);
    return pool;
  }

  /** Live workers, for routing new rooms and listeners. */
  liveWorkers(): types.Worker[] {
    return this.slots.flatMap((slot) => (slot.worker && !slot.worker.closed ? [slot.worker] : []));
  }

  /** Listeners placed on a worker by every room (forwarding cost grows with them). */
  static listenersOf(worker: types.Worker): number {
    return (worker.appData.listeners as number | undefined) ?? 0;
  }

  static addListeners(worker: types.Worker, delta: number) {
    worker.appData.listeners = MediaWorkerPool.listenersOf(worker) + delta;
  }

  /** The live worker with the fewest listeners (then routers), preferring workers not in `avoid`. */
  leastLoadedWorker(avoid: ReadonlySet<types.Worker> = new Set()): types.Worker | undefined {
    const routers = (w: types.Worker) => (w.appData.routerCount as number) ?? 0;
    const live = this.liveWorkers().sort((a, b) => MediaWorkerPool.listenersOf(a) - MediaWorkerPool.listenersOf(b) || routers(a) - routers(b));
    return live.find((w) => !avoid.has(w)) ?? live[0];
  }

  async createRouter(options: types.RouterOptions, avoid?: ReadonlySet<types.Worker>): Promise<types.Router> {
    const worker = this.leastLoadedWorker(avoid);
    if (!worker) throw new Error('No media worker is running');
    const router = await worker.createRouter({ ...options, appData: { ...options.appData, worker } });
    worker.appData.routerCount = ((worker.appData.routerCount as number) ?? 0) + 1;
    router.observer.once('close', () => {
      worker.appData.routerCount = (worker.appData.routerCount as number) - 1;
    });
    return router;
  }

  /** The WebRtcServer of the worker a router lives on. */
  static webRtcServerOf(worker: types.Worker): types.WebRtcServer {
    return worker.appData.webRtcServer as types.WebRtcServer;
  }

  status(): { size: number; live: number; workers: WorkerStatus[] } {
    const workers = this.slots.map((slot) => ({
      index: slot.index,
      pid: slot.worker?.pid ?? null,
      alive: !!slot.worker && !slot.worker.closed,
      restarts: slot.restarts,
    }));
    return { size: this.slots.length, live: workers.filter((w) => w.alive).length, workers };
  }

  /** Closes every worker and waits (up to 3 s) for their processes to exit: no orphans. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.healthTimer);
    const pids: number[] = [];
    for (const slot of this.slots) {
      clearTimeout(slot.restartTimer);
      if (slot.worker && !slot.worker.closed) {
        pids.push(slot.worker.pid);
        slot.worker.close();
      }
      slot.worker = undefined;
    }
    const deadline = Date.now() + 3000;
    while (pids.some(isRunning) && Date.now() < deadline) await Bun.sleep(20);
  }

  private async spawn(slot: WorkerSlot): Promise<void> {
    const worker: types.Worker = await this.mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: this.options.rtcMinPort,
      rtcMaxPort: this.options.rtcMaxPort,
      appData: { index: slot.index, routerCount: 0, listeners: 0 },
    });
    if (this.closed) {
      worker.close();
      return;
    }
    // One WebRtcServer per worker: all its audio uses one UDP port (TCP as fallback), which keeps
    // the firewall simple for self-hosters.
    const { listenIp, announcedIp, basePort } = this.options.webRtc;
    const port = basePort === 0 ? undefined : basePort + slot.index;
    try {
      worker.appData.webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: listenIp, announcedIp, port },
          { protocol: 'tcp', ip: listenIp, announcedIp, port },
        ],
      });
    } catch (error) {
      worker.close();
      throw new StartupError(`webRtcPort: cannot listen for audio on ${listenIp}:${port ?? 'random'} (${(error as Error).message}); is another program (or another Salon) using it?`);
    }
    slot.worker = worker;
    slot.failedChecks = 0;
    slot.startedAt = Date.now();
    worker.on('died', (error) => {
      this.options.log.error('media worker died', { index: slot.index, pid: worker.pid, error });
      this.replace(slot, worker);
    });
    this.options.log.info('media worker started', { index: slot.index, pid: worker.pid });
  }

  private replace(slot: WorkerSlot, dead: types.Worker): void {
    if (this.closed || slot.worker !== dead) return;
    if (!dead.closed) dead.close();
    slot.worker = undefined;
    slot.restarts++;
    slot.crashStreak = Date.now() - slot.startedAt > 60_000 ? 1 : slot.crashStreak + 1;
    // Back off when a worker keeps dying (bad config, missing library) instead of spinning.
    const delay = Math.min(30_000, 100 * 2 ** Math.min(slot.crashStreak - 1, 9));
    slot.restartTimer = setTimeout(async () => {
      try {
        await this.spawn(slot);
      } catch (error) {
        this.options.log.error('media worker restart failed', { index: slot.index, error });
        const placeholder = { closed: true } as types.Worker; // lets replace() schedule the next try
        slot.worker = placeholder;
        this.replace(slot, placeholder);
      }
    }, delay);
  }

  private async checkHealth(): Promise<void> {
    if (this.checking) return; // a slow round must not overlap the next one
    this.checking = true;
    try {
      await this.checkEachWorker();
    } finally {
      this.checking = false;
    }
  }

  private async checkEachWorker(): Promise<void> {
    for (const slot of this.slots) {
      const worker = slot.worker;
      if (!worker || worker.closed) continue;
      const answered = await Promise.race([
        worker.getResourceUsage().then(() => true, () => false),
        Bun.sleep(this.options.healthIntervalMs).then(() => false),
      ]);
      slot.failedChecks = answered ? 0 : slot.failedChecks + 1;
      // A worker that does not answer but keeps using CPU is busy (thousands of listeners joining on
      // a loaded machine), not stuck: it gets much longer before it is killed, with all its rooms.
      const cpu = cpuTimeOf(worker.pid);
      const busy = cpu !== null && slot.lastCpuMs !== undefined && cpu > slot.lastCpuMs;
      slot.lastCpuMs = cpu ?? undefined;
      if (slot.failedChecks >= (busy ? 6 : 2)) {
        this.options.log.error('media worker stopped answering; replacing it', { index: slot.index, pid: worker.pid });
        try {
          process.kill(worker.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
        this.replace(slot, worker);
      }
    }
  }
}

/** user + system CPU time of a process (ms), from /proc; null when it cannot be read. */
function cpuTimeOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
