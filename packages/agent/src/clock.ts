/** Cancels a timer made by a {@link Clock}; calling it twice is harmless. */
export type CancelTimer = () => void;

/**
 * Time and timers, injected wherever time matters so tests control it (STYLE.md).
 *
 * @example
 * const cancel = clock.setTimer(() => sendHeartbeat(), 30_000);
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimer(callback: () => void, ms: number): CancelTimer;
}

/**
 * The real clock. Timers stay ref'd on purpose: while the agent waits to reconnect, a pending
 * timer is the only thing keeping `tether agent run` alive; `stop()` cancels every timer.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * Runs `callback` every `ms` milliseconds until cancelled.
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
