import type { CancelTimer, Clock } from '@tether/protocol';

/**
 * A clock whose time moves only when a test jumps it, as a machine resumed from sleep sees it:
 * every timer due by then fires once, at the new time. A whole server on `TestClock` would run
 * each of its one-second timers thousands of times for a jump of hours (and queue the store work
 * each one starts); this one lets a test move hours ahead in one step.
 *
 * @example
 * const clock = new JumpClock(Date.now());
 * clock.jump(6 * 3_600_000); // each timer due within six hours has run once
 */
export class JumpClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start: number = Date.now()) {
    this.#now = start;
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimer(callback: () => void, ms: number): CancelTimer {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return () => this.#timers.delete(id);
  }

  /** Moves time forward by `ms`; then runs, once each, the timers that fell due. */
  jump(ms: number): void {
    this.#now += ms;
    const due = [...this.#timers.entries()]
      .filter(([, timer]) => timer.at <= this.#now)
      .sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
    for (const [id, timer] of due) {
      // A timer cancelled by one that ran before it stays cancelled.
      if (!this.#timers.delete(id)) continue;
      timer.callback();
    }
  }
}
