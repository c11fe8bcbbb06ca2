import type { GuessCounter } from '../store/shared-state-repository.js';
import type { GuessLimits } from './guess-limits.js';

/** Failures are forgotten after this long without another one. */
const FORGET_AFTER_MS = 60 * 60 * 1000;

/**
 * `LoginLimiter`'s growing delay, on one shared counter (X-3): `failures` is the count,
 * `blockedUntil` when the next attempt may go, `lastAt` the last failure. After the free
 * failures each further one doubles the wait, up to the cap.
 */
export const failureCount = {
  /** Milliseconds to wait before this key may try again; 0 when allowed now. */
  retryAfterMs(counter: GuessCounter, now: number): number {
    return Math.max(0, counter.blockedUntil - now);
  },

  recordFailure(counter: GuessCounter, options: { now: number; limits: GuessLimits }): void {
    const { now, limits } = options;
    const isRemembered = counter.failures > 0 && now - counter.lastAt < FORGET_AFTER_MS;
    counter.failures = isRemembered ? counter.failures + 1 : 1;
    counter.blockedUntil = now + delayAfter(counter.failures, limits);
    counter.lastAt = now;
  },

  /** Takes back one counted attempt that was right, or that was never verified. */
  refund(counter: GuessCounter, limits: GuessLimits): void {
    if (counter.failures <= 1) {
      failureCount.clear(counter);
      return;
    }
    counter.failures -= 1;
    counter.blockedUntil = Math.min(
      counter.blockedUntil,
      counter.lastAt + delayAfter(counter.failures, limits),
    );
  },

  clear(counter: GuessCounter): void {
    counter.failures = 0;
    counter.blockedUntil = 0;
  },
};

function delayAfter(count: number, limits: GuessLimits): number {
  const { freeAttempts, firstDelayMs, maxDelayMs } = limits;
  return count <= freeAttempts
    ? 0
    : Math.min(maxDelayMs, firstDelayMs * 2 ** (count - freeAttempts - 1));
}
