// Fixed-window counters in memory (one process serves the instance). Keys are e.g. "login-ip:1.2.3.4".
export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastPrune = Date.now();

  /** Counts one hit against `limit` per `windowMs` and answers in the same step (no await between). */
  hit(key: string, limit: number, windowMs: number): RateDecision {
    const now = Date.now();
    if (now - this.lastPrune >= 60_000) this.prune(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return { allowed: window.count <= limit, retryAfterMs: window.count <= limit ? 0 : window.resetAt - now };
  }

  reset(key: string) {
    this.windows.delete(key);
  }

  /** Forgets windows that have ended (they no longer limit anyone); returns how many. */
  prune(now = Date.now()): number {
    this.lastPrune = now;
    let removed = 0;
    for (const [key, window] of this.windows) {
      if (window.resetAt > now) continue;
      this.windows.delete(key);
      removed++;
    }
    return removed;
  }
}
