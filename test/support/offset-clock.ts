import type { CancelTimer } from '@tether/protocol';
import { systemClock, type Clock } from '@tether/server';

/**
 * Real time plus an offset the test moves forward: expiry without sleeping. Timers run in real
 * time (moving the offset does not fire them): this clock serves checks that compare stored
 * times with `now()`, against a real server whose other timers must keep running.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  setTimer(callback: () => void, ms: number): CancelTimer {
    return systemClock.setTimer(callback, ms);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
