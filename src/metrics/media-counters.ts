// Packets and bytes the media workers forwarded, read from their consumers' stats (one per listener
// and speaker pair, recorder taps and inter-worker pipes too). Sampled on scrape, at most every
// `minIntervalMs`: each sample asks every open consumer once, and the counters only grow (a
// consumer's last sample stays counted when it closes).
import type { types } from 'mediasoup';

export class MediaCounters {
  private readonly consumers = new Map<types.Consumer, { packets: number; bytes: number }>();
  private readonly watched = new WeakSet<types.Worker>();
  private sampledAt = 0;
  private sampling: Promise<void> | null = null;
  packets = 0;
  bytes = 0;

  constructor(private readonly minIntervalMs = 5_000) {}

  /** Follows the routers this worker creates from now on (call it for each worker as soon as it starts). */
  watch(worker: types.Worker): void {
    if (this.watched.has(worker)) return;
    this.watched.add(worker);
    worker.observer.on('newrouter', (router) =>
      router.observer.on('newtransport', (transport) =>
        transport.observer.on('newconsumer', (consumer) => {
          this.consumers.set(consumer, { packets: 0, bytes: 0 });
          consumer.observer.once('close', () => this.consumers.delete(consumer));
        }),
      ),
    );
  }

  get openConsumers(): number {
    return this.consumers.size;
  }

  /** Brings the totals up to date unless a sample is recent (concurrent scrapes share one). */
  async sample(now = Date.now()): Promise<void> {
    if (this.sampling) return this.sampling;
    if (now - this.sampledAt < this.minIntervalMs) return;
    this.sampling = this.readAll().finally(() => {
      this.sampledAt = Date.now();
      this.sampling = null;
    });
    return this.sampling;
  }

  private async readAll(): Promise<void> {
    await Promise.all(
      [...this.consumers].map(async ([consumer, seen]) => {
        const stats = await consumer.getStats().catch(() => []);
        const outbound = stats.find((s) => s.type === 'outbound-rtp');
        if (!outbound) return;
        this.packets += Math.max(0, outbound.packetCount - seen.packets);
        this.bytes += Math.max(0, outbound.byteCount - seen.bytes);
        seen.packets = outbound.packetCount;
        seen.bytes = outbound.byteCount;
      }),
    );
  }
}
