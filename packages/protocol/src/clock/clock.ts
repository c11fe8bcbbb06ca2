/** Cancels a timer made by a {@link Clock}; calling it twice, or after it fired, is harmless. */
export type CancelTimer = () => void;

/**
 * Time and timers, injected wherever time matters (deadlines, throttles, expiries, heartbeats,
 * retries) so tests control it (STYLE.md). The server and the agent share this one interface;
 * tests drive it with {@link TestClock}.
 *
 * @example
 * const cancel = clock.setTimer(() => sendHeartbeat(), 30_000);
 * const expiresAt = new Date(clock.now().getTime() + ttlMs);
 */
export interface Clock {
  /** The current time. */
  now(): Date;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimer(callback: () => void, ms: number): CancelTimer;
}

/**
 * The real clock. Timers stay ref'd on purpose: while the agent waits to reconnect, a pending
 * timer is the only thing keeping `tether agent run` alive; whoever starts a timer cancels it
 * when it stops (the server's and the agent's `stop()` do).
 */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * Runs `callback` every `ms` milliseconds until cancelled (the next run is scheduled before
 * this one starts, so a callback that throws does not stop the repetition).
 *
 * @example
 * const stop = repeat(clock, () => sendStats(), 15_000);
 */
export function repeat(clock: Clock, callback: () => void, ms: number): CancelTimer {
  let cancelNext: CancelTimer | undefined;
  let isCancelled = false;
  const schedule = (): void => {
    cancelNext = clock.setTimer(() => {
      if (isCancelled) return;
      schedule();
      callback();
    }, ms);
  };
  schedule();
  return () => {
    isCancelled = true;
    cancelNext?.();
  };
}

/**
 * Resolves after `ms` milliseconds of `clock` time.
 *
 * @example
 * await sleep(clock, retryDelayMs);
 */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}
