// The routers of one room. Speakers produce on the primary router; listeners are placed on a
// router with room for them. When every router has `listenerLimit` consumers, the room grows onto
// another worker: a new router there receives every producer through pipeToRouter, and new
// listeners go to it. So one large room can use every core.
import type { types } from 'mediasoup';
import { opusCodec } from './media-codecs';
import type { MediaWorkerPool } from './worker-pool';

export class RoomRouters {
  primary!: types.Router;
  readonly secondaries: types.Router[] = [];
  private growing: Promise<types.Router> | null = null;
  /** Producers already piped to each secondary: piping one twice is an error in mediasoup. */
  private readonly piped = new Map<types.Router, Set<string>>();

  constructor(
    private readonly pool: MediaWorkerPool,
    private readonly listenerLimit: number,
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

  /** A router for one more listener: the first with room, else a new one on another worker. */
  async forListener(consumersOn: (router: types.Router) => number, producerIds: () => string[]): Promise<types.Router> {
    const routers = this.all();
    const withRoom = routers.find((router) => consumersOn(router) < this.listenerLimit);
    if (withRoom) return withRoom;
    // Another router on a worker that already has one would not add a core: share the least loaded.
    const used = new Set(routers.map((r) => this.workerOf(r)));
    if (this.growing || this.pool.liveWorkers().some((w) => !used.has(w))) {
      this.growing ??= this.grow(producerIds).finally(() => (this.growing = null));
      return this.growing;
    }
    return routers.reduce((best, r) => (consumersOn(r) < consumersOn(best) ? r : best));
  }

  /** A new producer on the primary reaches every other router of the room. */
  async pipeEverywhere(producerId: string): Promise<void> {
    await Promise.all(this.secondaries.map((router) => this.pipe(producerId, router)));
  }

  close() {
    for (const router of this.all()) router?.close();
    this.secondaries.length = 0;
    this.piped.clear();
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
