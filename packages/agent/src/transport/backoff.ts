/** Tuning of {@link createBackoff}. */
export interface BackoffOptions {
  /** First ceiling, in milliseconds. */
  baseMs?: number;
  /** Largest ceiling, in milliseconds. */
  capMs?: number;
  /** Attempts that keep a short ceiling, so a server restart is noticed within a second. */
  quickAttempts?: number;
  /** The ceiling of those quick attempts, in milliseconds. */
  quickCapMs?: number;
  /** Uniform random number in [0, 1); injected so tests are deterministic. */
  random?: () => number;
}

/** Reconnect delays; see {@link createBackoff}. */
export interface Backoff {
  /** The delay before the next attempt; each call counts one more failed attempt. */
  nextDelayMs(): number;
  /**
   * The delay when the server asked for `retryAfterMs` (its admission rate, A-13): that wait
   * plus a little jitter, so agents told the same whole second do not return at one instant.
   * Not a failure: the attempt count and the ceiling stay as they were.
   */
  deferredDelayMs(retryAfterMs: number): number;
  /** Forget past failures (after a successful, authenticated connection). */
  reset(): void;
  /** Failed attempts since the last reset. */
  readonly attempts: number;
}

const MIN_DEFERRAL_JITTER_MS = 50;
const MAX_DEFERRAL_JITTER_MS = 1000;

/**
 * Backoff with full jitter in two phases. For the first `quickAttempts` the ceiling stays at
 * `quickCapMs` (after `baseMs` for the very first): a server that restarts or is upgraded is back
 * within seconds, and the fleet should be too. After that the ceiling doubles up to `capMs`, so
 * a long outage costs little. Full jitter (delay = random(0, ceiling)) spreads a fleet that lost
 * its server at the same instant across the whole window.
 *
 * @example
 * const backoff = createBackoff({ baseMs: 500, capMs: 30_000 });
 * clock.setTimer(connect, backoff.nextDelayMs());
 */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const baseMs = options.baseMs ?? 500;
  const capMs = options.capMs ?? 30_000;
  // About a minute of an outage (0.5 s on average each): a server restart or upgrade, which
  // takes tens of seconds on a loaded machine. An agent whose ceiling has grown to 30 s by then
  // comes back up to 30 s after the server, and the fleet trickles in at the pace of its own
  // backoff (1,500 agents took 21 s that way at 70 a second). Retrying that eagerly is safe
  // because the server admits agents at a set rate and tells the rest, cheaply, when
  // to come back.
  const quickAttempts = options.quickAttempts ?? 120;
  const quickCapMs = options.quickCapMs ?? 1000;
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    nextDelayMs() {
      const slowAttempts = attempts - Math.max(quickAttempts, 1) + 1;
      // 2^attempt grows past any cap quickly; clamp the exponent so it never overflows.
      const ceiling =
        attempts === 0
          ? Math.min(baseMs, capMs)
          : attempts < quickAttempts
            ? Math.min(quickCapMs, capMs)
            : Math.min(capMs, quickCapMs * 2 ** Math.min(slowAttempts, 30));
      attempts += 1;
      return Math.floor(random() * ceiling);
    },
    deferredDelayMs(retryAfterMs) {
      // A quarter of the wait, at most a second: the server already spreads the agents it
      // defers over time (each gets its own slot); this only breaks ties.
      const jitterMs = Math.min(
        MAX_DEFERRAL_JITTER_MS,
        Math.max(MIN_DEFERRAL_JITTER_MS, retryAfterMs / 4),
      );
      return Math.floor(retryAfterMs + random() * jitterMs);
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
