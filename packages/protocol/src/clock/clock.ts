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
 * A clock on real time. `keepsProcessAlive` says whether a pending timer holds the process open:
 * the agent's must (while it waits to reconnect, a timer is all that keeps `tether agent run`
 * alive); the server's must not (its listeners keep it alive, and a timer should never hold a
 * stopped server's process open). Whoever starts a timer cancels it when it stops.
 *
 * @example
 * const clock = createSystemClock({ keepsProcessAlive: false });
 */
export function createSystemClock(options: { keepsProcessAlive: boolean }): Clock {
  return {
    now: () => new Date(),
    setTimer(callback, ms) {
      const timer = setTimeout(callback, ms);
      // Browsers' timers are numbers without unref; there is no process to hold open there.
      if (!options.keepsProcessAlive) (timer as { unref?: () => void }).unref?.();
      return () => clearTimeout(timer);
    },
  };
}

/** The real clock whose timers keep the process alive (the agent's, the CLI's). */
export const systemClock: Clock = createSystemClock({ keepsProcessAlive: true });

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
