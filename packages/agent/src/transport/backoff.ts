/** Tuning of {@link createBackoff}. */
export interface BackoffOptions {
  /** First ceiling, in milliseconds. */
  baseMs?: number;
  /** Largest ceiling, in milliseconds. */
  capMs?: number;
  /** Uniform random number in [0, 1); injected so tests are deterministic. */
  random?: () => number;
}

/** Reconnect delays; see {@link createBackoff}. */
export interface Backoff {
  /** The delay before the next attempt; each call counts one more failed attempt. */
  nextDelayMs(): number;
  /** Forget past failures (after a successful, authenticated connection). */
  reset(): void;
  /** Failed attempts since the last reset. */
  readonly attempts: number;
}

/**
 * Exponential backoff with full jitter: delay = random(0, min(cap, base · 2^attempt)). Full
 * jitter spreads a fleet that lost its server at the same instant across the whole window, so
 * the reconnect wave stays under the server's admission rate.
 *
 * @example
 * const backoff = createBackoff({ baseMs: 500, capMs: 30_000 });
 * clock.setTimer(connect, backoff.nextDelayMs());
 */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const baseMs = options.baseMs ?? 500;
  const capMs = options.capMs ?? 30_000;
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    nextDelayMs() {
      // 2^attempt grows past any cap quickly; clamp the exponent so it never overflows.
      const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempts, 30));
      attempts += 1;
      return Math.floor(random() * ceiling);
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
