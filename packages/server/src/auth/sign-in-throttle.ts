import type { Clock } from '../clock.js';
import { AccountBudget, type AccountBudgetLimits } from './account-budget.js';
import { LoginLimiter, SIGN_IN_LIMITS, type GuessLimits } from './login-limiter.js';

/** One source may fail on any accounts ten times before it is slowed (1 s doubling to 15 min). */
const SOURCE_LIMITS: GuessLimits = {
  freeAttempts: 10,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
};
/** How many sources an account remembers, and for how long after their last sign-in. */
const KNOWN_SOURCES_PER_ACCOUNT = 16;
const KNOWN_SOURCE_DAYS = 90;

/** A sign-in attempt that may go on to check its password. */
export interface SignInReservation {
  ok: true;
  /** The source signed in to this account before: it is served first and never locked out. */
  isKnownSource: boolean;
  /** The password was right: the attempt is given back and the source remembered. */
  succeeded(): void;
  /** The password was never checked (the server was too busy): the attempt is given back. */
  release(): void;
}

export type SignInDecision = SignInReservation | { ok: false; retryAfterMs: number };

/**
 * The guess limits of console sign-in (issue 10):
 * - per (account, source): three free failures, then 1 s doubling up to 15 minutes;
 * - per source, over all accounts: ten free failures, then the same growth;
 * - per account, over all sources: a budget of 100 failures an hour (`AccountBudget`), the last
 *   of which only sources that signed in to the account before may spend.
 * A sign-in reserves its attempt in all three before the password is checked, in one
 * synchronous step, so a burst of simultaneous guesses cannot all pass the check; a right
 * password gives the attempt back. Sources that signed in before skip the per-source check (an
 * attacker behind the same address cannot lock its owner out of every account) but still count.
 * State is in memory: a restart forgets failures, and `rememberSuccess` re-learns known sources.
 * A source is whatever the caller counts by (`sourceKeyOf`: an IPv4 address or an IPv6 /64).
 */
export class SignInThrottle {
  private readonly pairs: LoginLimiter;
  private readonly sources: LoginLimiter;
  private readonly budget: AccountBudget;
  private readonly known = new Map<string, Map<string, number>>();

  constructor(
    private readonly clock: Clock,
    limits: { pair?: GuessLimits; source?: GuessLimits; account?: AccountBudgetLimits } = {},
  ) {
    this.pairs = new LoginLimiter(clock, limits.pair ?? SIGN_IN_LIMITS);
    this.sources = new LoginLimiter(clock, limits.source ?? SOURCE_LIMITS);
    this.budget = new AccountBudget(clock, limits.account);
  }

  /** Reserves one attempt of `source` at `username` (case-insensitive), or says how long to wait. */
  reserve(username: string, source: string): SignInDecision {
    const account = username.toLowerCase();
    const pairKey = `${account}\n${source}`;
    const isKnownSource = this.isKnown(account, source);
    const wait = Math.max(
      this.pairs.retryAfterMs([pairKey]),
      isKnownSource ? 0 : this.sources.retryAfterMs([source]),
    );
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    const budgetWait = this.budget.take(account, isKnownSource);
    if (budgetWait > 0) return { ok: false, retryAfterMs: budgetWait };
    this.pairs.recordFailure([pairKey]);
    this.sources.recordFailure([source]);
    let isSettled = false;
    const settle = (onSettle: () => void): void => {
      if (isSettled) return;
      isSettled = true;
      this.budget.giveBack(account);
      this.sources.refund(source);
      onSettle();
    };
    return {
      ok: true,
      isKnownSource,
      succeeded: () =>
        settle(() => {
          this.pairs.recordSuccess(pairKey);
          this.rememberSuccess(account, source, this.clock.now());
        }),
      release: () => settle(() => this.pairs.refund(pairKey)),
    };
  }

  /** Remembers that `source` signed in to `username` at `at` (also to re-learn after a restart). */
  rememberSuccess(username: string, source: string, at: Date): void {
    const account = username.toLowerCase();
    const sources = this.known.get(account) ?? new Map<string, number>();
    sources.delete(source);
    sources.set(source, at.getTime());
    // Oldest first (insertion order): drop beyond the cap.
    for (const oldest of sources.keys()) {
      if (sources.size <= KNOWN_SOURCES_PER_ACCOUNT) break;
      sources.delete(oldest);
    }
    this.known.set(account, sources);
  }

  /** Clears the account's ceiling and its per-source delays (`tether admin unlock`). */
  unlock(username: string): void {
    const account = username.toLowerCase();
    this.budget.reset(account);
    this.pairs.forget(`${account}\n`);
  }

  private isKnown(account: string, source: string): boolean {
    const at = this.known.get(account)?.get(source);
    return at !== undefined && this.clock.now().getTime() - at < KNOWN_SOURCE_DAYS * 24 * 3_600_000;
  }
}
