/** How fast one agent connection may send (config `agents`). */
export interface MessageLimits {
  /** Sustained messages per second. */
  messagesPerSec: number;
  /** Messages that may arrive at once after a quiet spell. */
  messageBurst: number;
}

/** What to do with one message: handle it, drop it, or cut the connection. */
export type MessageVerdict = 'accept' | 'drop' | 'disconnect';

/** Messages over the budget, net of the budget's refill, after which a connection is cut. */
export const DISCONNECT_AFTER_BURSTS = 10;

/**
 * A token bucket for one agent connection, checked before a message is even parsed: one agent
 * sending 95k statistics in 10 s made every other user wait 1.5 s for the API. Messages over the
 * budget are dropped and counted; an agent that keeps far over it (more than
 * DISCONNECT_AFTER_BURSTS bursts in excess) is disconnected. The caller passes the time, so an
 * injected clock drives it.
 *
 * @example
 * const budget = new MessageBudget({ messagesPerSec: 20, messageBurst: 200 }, clock.now().getTime());
 * if (budget.take(clock.now().getTime()) !== 'accept') return;
 */
export class MessageBudget {
  private tokens: number;
  /** Dropped messages not yet "paid back" by the refill rate. */
  private excess = 0;
  private last: number;
  /** Messages dropped on this connection so far. */
  dropped = 0;

  constructor(
    private readonly limits: MessageLimits,
    now: number,
  ) {
    this.tokens = limits.messageBurst;
    this.last = now;
  }

  take(now: number): MessageVerdict {
    const refill = (Math.max(0, now - this.last) / 1000) * this.limits.messagesPerSec;
    this.last = now;
    this.tokens = Math.min(this.limits.messageBurst, this.tokens + refill);
    this.excess = Math.max(0, this.excess - refill);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'accept';
    }
    this.dropped += 1;
    this.excess += 1;
    return this.excess > DISCONNECT_AFTER_BURSTS * this.limits.messageBurst ? 'disconnect' : 'drop';
  }
}
