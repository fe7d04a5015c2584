// Work taken from a durable table, in a loop: kicked when something is queued, and on a timer for
// what comes due later. One pass at a time; stop() waits for the pass in hand. Used by the job
// queue and the notification outbox.
export class PollingLoop {
  private timer: Timer | null = null;
  private pass: Promise<void> | null = null;
  private stopped = true;

  /** `step` does one unit of work and says whether there may be more right away. */
  constructor(
    private readonly step: () => Promise<boolean>,
    private readonly options: { intervalMs: number; onError: (error: unknown) => void; yieldBetweenSteps?: boolean },
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
  }

  /** Look now (something was just queued). Does nothing before start() or after stop(). */
  kick(): void {
    if (this.pass || this.stopped) return;
    this.pass = (async () => {
      while (!this.stopped && (await this.step())) {
        // Between steps, requests and room sockets get the event loop.
        if (this.options.yieldBetweenSteps) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })()
      .catch(this.options.onError)
      .finally(() => (this.pass = null));
  }

  /** Runs passes until `due()` says nothing is left (tests, commands that wait for the work). */
  async drain(due: () => Promise<boolean>): Promise<void> {
    for (;;) {
      if (!this.pass) this.kick();
      if (!this.pass) return; // stopped
      await this.pass;
      if (!(await due())) return;
    }
  }
}
