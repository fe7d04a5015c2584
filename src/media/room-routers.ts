// The routers of one room. Speakers produce on the primary router; each listener is placed on a
// router with room for them, on the least busy worker. A router is full when its listener streams
// (listeners × speakers: what the worker forwards) reach `streamLimit`; then the room grows onto
// another worker: a new router there receives every producer through pipeToRouter, and new
// listeners go to it. So one large room can use every core.
import type { types } from 'mediasoup';
import { opusCodec } from './media-codecs';
import { MediaWorkerPool } from './worker-pool';

export class RoomRouters {
  primary!: types.Router;
  readonly secondaries: types.Router[] = [];
  private growing: Promise<types.Router> | null = null;
  /** Producers already piped to each secondary: piping one twice is an error in mediasoup. */
  private readonly piped = new Map<types.Router, Set<string>>();
  /** Listeners placed on each router, counted at placement so a join storm spreads at once. */
  private readonly listeners = new Map<types.Router, number>();

  constructor(
    private readonly pool: MediaWorkerPool,
    private readonly streamLimit: number,
    private readonly onWorkerClose: () => void,
  ) {}

  async open(): Promise<types.Router> {
    this.secondaries.length = 0;
    this.primary = await this.create(new Set());
    return this.primary;
  }

  all(): types.Router[] {
    return [this.primary, ...this.secondaries];
  }

  workerOf(router: types.Router): types.Worker {
    return router.appData.worker as types.Worker;
  }

  listenersOn(router: types.Router): number {
    return this.listeners.get(router) ?? 0;
  }

  /**
   * A router for one more listener: among the routers with room, the one on the least busy worker
   * (other rooms count too); when all are full, a new one on a worker this room does not use yet.
   * Call `release` when that listener's transport closes.
   */
  async placeListener(producerIds: () => string[]): Promise<types.Router> {
    const routers = this.all();
    const streamsPerListener = Math.max(1, producerIds().length); // a muted speaker may unmute: count them all
    const withRoom = routers.filter((router) => (this.listenersOn(router) + 1) * streamsPerListener <= this.streamLimit);
    let router: types.Router;
    if (withRoom.length) {
      router = withRoom.reduce((best, r) => (MediaWorkerPool.listenersOf(this.workerOf(r)) < MediaWorkerPool.listenersOf(this.workerOf(best)) ? r : best));
    } else {
      const used = new Set(routers.map((r) => this.workerOf(r)));
      if (this.growing || this.pool.liveWorkers().some((w) => !used.has(w))) {
        this.growing ??= this.grow(producerIds).finally(() => (this.growing = null));
        await this.growing;
        return this.placeListener(producerIds); // everyone who waited is placed anew, not all on the new router
      } else {
        // Every worker already carries this room: a second router on one would not add a core.
        router = routers.reduce((best, r) => (this.listenersOn(r) < this.listenersOn(best) ? r : best));
      }
    }
    this.count(router, +1);
    return router;
  }

  release(router: types.Router) {
    if (this.listeners.has(router)) this.count(router, -1);
  }

  /** A new producer on the primary reaches every other router of the room. */
  async pipeEverywhere(producerId: string): Promise<void> {
    await Promise.all(this.secondaries.map((router) => this.pipe(producerId, router)));
  }

  close() {
    for (const router of this.all()) router?.close();
    for (const [router, n] of this.listeners) MediaWorkerPool.addListeners(this.workerOf(router), -n);
    this.listeners.clear();
    this.secondaries.length = 0;
    this.piped.clear();
  }

  private count(router: types.Router, delta: number) {
    this.listeners.set(router, this.listenersOn(router) + delta);
    MediaWorkerPool.addListeners(this.workerOf(router), delta);
  }

  private async grow(producerIds: () => string[]): Promise<types.Router> {
    const used = new Set(this.all().map((r) => this.workerOf(r)));
    const router = await this.create(used);
    this.piped.set(router, new Set());
    this.secondaries.push(router); // from now on new producers are piped here too
    await Promise.all(producerIds().map((producerId) => this.pipe(producerId, router)));
    return router;
  }

  private async pipe(producerId: string, router: types.Router) {
    const done = this.piped.get(router);
    if (!done || done.has(producerId)) return;
    done.add(producerId); // before awaiting: a concurrent call must not pipe it again
    await this.primary.pipeToRouter({ producerId, router });
  }

  private async create(avoid: ReadonlySet<types.Worker>): Promise<types.Router> {
    const router = await this.pool.createRouter({ mediaCodecs: [opusCodec] }, avoid);
    router.on('workerclose', this.onWorkerClose);
    return router;
  }
}
