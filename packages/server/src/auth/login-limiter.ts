import type { Clock } from '../clock.js';

interface Failures {
  count: number;
  blockedUntil: number;
  lastAt: number;
}

/** Free attempts before delays start, the first delay, and the cap. */
const FREE_ATTEMPTS = 3;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15 * 60 * 1000;
/** Failures are forgotten after this long without another one. */
const FORGET_AFTER_MS = 60 * 60 * 1000;

/**
 * Growing delay after failed logins, counted per account and per source address (S-3): after
 * three free failures each further one doubles the wait, up to 15 minutes. A success clears the
 * account's count (not the source's, so one known password cannot unlock guessing others).
 */
export class LoginLimiter {
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly clock: Clock) {}

  /** Milliseconds to wait before these keys may try again; 0 when allowed now. */
  retryAfterMs(keys: string[]): number {
    const now = this.clock.now().getTime();
    let wait = 0;
    for (const key of keys) {
      const entry = this.failures.get(key);
      if (entry) wait = Math.max(wait, entry.blockedUntil - now);
    }
    return Math.max(0, wait);
  }

  recordFailure(keys: string[]): void {
    const now = this.clock.now().getTime();
    for (const key of keys) {
      const previous = this.failures.get(key);
      const count = previous && now - previous.lastAt < FORGET_AFTER_MS ? previous.count + 1 : 1;
      const delay =
        count <= FREE_ATTEMPTS
          ? 0
          : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (count - FREE_ATTEMPTS - 1));
      this.failures.set(key, { count, blockedUntil: now + delay, lastAt: now });
    }
    this.prune(now);
  }

  recordSuccess(key: string): void {
    this.failures.delete(key);
  }

  private prune(now: number): void {
    if (this.failures.size < 10_000) return;
    for (const [key, entry] of this.failures) {
      if (now - entry.lastAt > FORGET_AFTER_MS) this.failures.delete(key);
    }
  }
}
