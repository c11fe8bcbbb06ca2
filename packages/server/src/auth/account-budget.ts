import type { GuessCounter } from '../store/shared-state-repository.js';

/** The ceiling on failed sign-ins to one account, whatever the sources. */
export interface AccountBudgetLimits {
  /** Failures allowed at once (the bucket's size). */
  burst: number;
  /** One more failure is allowed after each of these. */
  refillMs: number;
  /** The last failures of the bucket are kept for sources that signed in before. */
  reservedForKnown: number;
}

/**
 * burst + 1 h / refillMs = 20 + 80: at most 100 failures per hour per account, from any number
 * of sources. The last 5 are only ever spent by sources that signed in before, and refills go to
 * them first, so an attacker keeping the account drained slows its owner (one attempt every
 * 45 s at worst) but never locks them out.
 */
export const ACCOUNT_BUDGET: AccountBudgetLimits = {
  burst: 20,
  refillMs: 45_000,
  reservedForKnown: 5,
};

/**
 * The per-account ceiling of the sign-in throttle as a token bucket kept in one shared counter
 * `blockedUntil` holds the moment the bucket is full again (0: full now), so taking a
 * token moves it one refill later and giving one back moves it one refill earlier. A sign-in
 * takes a token before its password is checked and gives it back when the password was right,
 * so only failures spend the budget.
 */
export const accountBudget = {
  /** Takes a token: 0 when taken, else how long until one is free for this kind of source. */
  take(
    counter: GuessCounter,
    options: { isKnownSource: boolean; now: number; limits: AccountBudgetLimits },
  ): number {
    const { now, limits } = options;
    const fullAt = Math.max(counter.blockedUntil, now);
    const tokens = limits.burst - (fullAt - now) / limits.refillMs;
    const floor = options.isKnownSource ? 0 : limits.reservedForKnown;
    if (tokens >= floor + 1) {
      counter.blockedUntil = fullAt + limits.refillMs;
      counter.lastAt = now;
      return 0;
    }
    return Math.ceil((floor + 1 - tokens) * limits.refillMs);
  },

  /** Gives back a token taken for a sign-in that was right (or never checked). */
  giveBack(counter: GuessCounter, options: { now: number; limits: AccountBudgetLimits }): void {
    const fullAt = counter.blockedUntil - options.limits.refillMs;
    counter.blockedUntil = fullAt > options.now ? fullAt : 0;
  },
};
