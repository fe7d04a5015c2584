import { expect, test } from 'bun:test';
import { RateLimiter } from '../../src/shared/rate-limiter';

test('RateLimiter.prune forgets ended windows only and says how many', () => {
  const limiter = new RateLimiter();
  limiter.hit('short', 5, 10);
  limiter.hit('long', 1, 60_000);
  limiter.hit('long', 1, 60_000);
  expect(limiter.prune(Date.now() + 1_000)).toBe(1);
  expect(limiter.hit('long', 1, 60_000).allowed).toBe(false); // still limited: its window is kept
  expect(limiter.prune(Date.now() + 1_000)).toBe(0);
  expect(limiter.prune(Date.now() + 120_000)).toBe(1);
});
