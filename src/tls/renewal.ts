// When to renew and when to try again: Let's Encrypt's own advice is to renew with a third of the
// lifetime left (day 60 of 90), which leaves a month of retries before anything expires.

export function needsRenewal(cert: { notBefore: Date; notAfter: Date }, now: Date): boolean {
  const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
  return cert.notAfter.getTime() - now.getTime() < lifetime / 3;
}

const maxRetryMs = 6 * 3600_000;

/** Backoff after `failures` failed attempts: 1 min, 2, 4... up to 6 h (shorter when checks are more frequent, as in tests). */
export function nextAttemptDelay(failures: number, checkIntervalMs: number): number {
  const base = Math.min(60_000, checkIntervalMs);
  return Math.min(base * 2 ** Math.max(0, failures - 1), maxRetryMs);
}
