import type { Clock } from '../clock.js';

interface Failures {
  count: number;
  blockedUntil: number;
  lastAt: number;
}

/** Free attempts before delays start, the first delay, and the cap. */
export interface GuessLimits {
  freeAttempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/** Sign-in: three free failures, then 1 s doubling up to 15 minutes. */
export const SIGN_IN_LIMITS: GuessLimits = {
  freeAttempts: 3,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
};
/** Failures are forgotten after this long without another one. */
const FORGET_AFTER_MS = 60 * 60 * 1000;

/**
 * Growing delay after failed guesses, counted per key: sign-ins per account and per source
 * address (S-3), one-time passwords per access and per device (M-2). After the free failures
 * each further one doubles the wait, up to the cap. A success clears the
 * account's count (not the source's, so one known password cannot unlock guessing others).
 */
export class LoginLimiter {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: GuessLimits = SIGN_IN_LIMITS,
  ) {}

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
      this.failures.set(key, { count, blockedUntil: now + this.delayAfter(count), lastAt: now });
    }
    this.prune(now);
  }

  /**
   * Check and count in one step, before the guess is verified: 0 when allowed (the attempt is
   * already counted as a failure, so simultaneous guesses cannot all pass the check), else the
   * wait. A guess that turns out right gives its attempt back with `refund` or `recordSuccess`.
   */
  reserve(keys: string[]): number {
    const wait = this.retryAfterMs(keys);
    if (wait === 0) this.recordFailure(keys);
    return wait;
  }

  /** Takes back one reserved attempt that was right, or that was never verified. */
  refund(key: string): void {
    const entry = this.failures.get(key);
    if (!entry) return;
    if (entry.count <= 1) {
      this.failures.delete(key);
      return;
    }
    entry.count -= 1;
    entry.blockedUntil = Math.min(entry.blockedUntil, entry.lastAt + this.delayAfter(entry.count));
  }

  recordSuccess(key: string): void {
    this.failures.delete(key);
  }

  /** Forgets every key that starts with `prefix` (an administrator cleared the lock). */
  forget(prefix: string): void {
    for (const key of this.failures.keys()) if (key.startsWith(prefix)) this.failures.delete(key);
  }

  private delayAfter(count: number): number {
    const { freeAttempts, firstDelayMs, maxDelayMs } = this.limits;
    return count <= freeAttempts
      ? 0
      : Math.min(maxDelayMs, firstDelayMs * 2 ** (count - freeAttempts - 1));
  }

  private prune(now: number): void {
    if (this.failures.size < 10_000) return;
    for (const [key, entry] of this.failures) {
      if (now - entry.lastAt > FORGET_AFTER_MS) this.failures.delete(key);
    }
  }
}
