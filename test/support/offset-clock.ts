import type { Clock } from '@tether/server';

/** Real time plus an offset the test moves forward: expiry without sleeping. */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
