import type { Clock } from '../clock.js';

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

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per account (the per-account ceiling of the sign-in throttle). A sign-in takes
 * a token before its password is checked and gives it back when the password was right, so only
 * failures spend the budget.
 */
export class AccountBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: AccountBudgetLimits = ACCOUNT_BUDGET,
  ) {}

  /** Takes a token: 0 when taken, else how long until one is free for this kind of source. */
  take(account: string, isKnownSource: boolean): number {
    const bucket = this.current(account);
    const floor = isKnownSource ? 0 : this.limits.reservedForKnown;
    if (bucket.tokens >= floor + 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((floor + 1 - bucket.tokens) * this.limits.refillMs);
  }

  /** Gives back a token taken for a sign-in that was right (or never checked). */
  giveBack(account: string): void {
    const bucket = this.current(account);
    bucket.tokens = Math.min(this.limits.burst, bucket.tokens + 1);
    if (bucket.tokens === this.limits.burst) this.buckets.delete(account);
  }

  /** Refills the account at once (an administrator cleared the lock). */
  reset(account: string): void {
    this.buckets.delete(account);
  }

  private current(account: string): Bucket {
    const now = this.clock.now().getTime();
    if (this.buckets.size >= 10_000) this.prune(now);
    const bucket = this.buckets.get(account) ?? { tokens: this.limits.burst, at: now };
    bucket.tokens = Math.min(
      this.limits.burst,
      bucket.tokens + (now - bucket.at) / this.limits.refillMs,
    );
    bucket.at = now;
    this.buckets.set(account, bucket);
    return bucket;
  }

  /** Full buckets hold nothing; attackers naming random accounts must not grow memory. */
  private prune(now: number): void {
    for (const [account, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) / this.limits.refillMs >= this.limits.burst)
        this.buckets.delete(account);
    }
  }
}
