import type { Clock } from '../clock.js';
import type { KnownSourcesFeed } from '../cluster/known-sign-in-sources.js';
import type { GuessCounterRepository } from '../store/shared-state-repository.js';
import { ACCOUNT_BUDGET, accountBudget, type AccountBudgetLimits } from './account-budget.js';
import { failureCount } from './failure-count.js';
import { SIGN_IN_LIMITS, type GuessLimits } from './guess-limits.js';

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
  succeeded(): Promise<void>;
  /** The password was never checked (the server was too busy): the attempt is given back. */
  release(): Promise<void>;
}

export type SignInDecision = SignInReservation | { ok: false; retryAfterMs: number };

/** Where the throttle's counters live, per key kind. */
const PAIR = 'sign-in:pair:';
const SOURCE = 'sign-in:source:';
const ACCOUNT = 'sign-in:account:';

/**
 * The guess limits of console sign-in (issue 10):
 * - per (account, source): three free failures, then 1 s doubling up to 15 minutes;
 * - per source, over all accounts: ten free failures, then the same growth;
 * - per account, over all sources: a budget of 100 failures an hour (`accountBudget`), the last
 *   of which only sources that signed in to the account before may spend.
 * A sign-in reserves its attempt in all three before the password is checked, in one locked
 * change of the shared counters, so a burst of simultaneous guesses cannot all pass the check,
 * not even spread over the nodes of a cluster; a right password gives the attempt back.
 * Sources that signed in before skip the per-source check (an attacker behind the same address
 * cannot lock its owner out of every account) but still count. Known sources are remembered
 * per node (`rememberSuccess` re-learns them from the audit log at start, and from the other
 * nodes of a cluster as they sign users in: `knownSources`).
 * A source is whatever the caller counts by (`sourceKeyOf`: an IPv4 address or an IPv6 /64).
 */
export class SignInThrottle {
  private readonly limits: { pair: GuessLimits; source: GuessLimits; account: AccountBudgetLimits };
  private readonly known = new Map<string, Map<string, number>>();

  constructor(
    private readonly deps: {
      counters: GuessCounterRepository;
      clock: Clock;
      /** A cluster's nodes tell each other the sources users signed in from. */
      knownSources?: KnownSourcesFeed | undefined;
    },
    limits: { pair?: GuessLimits; source?: GuessLimits; account?: AccountBudgetLimits } = {},
  ) {
    this.limits = {
      pair: limits.pair ?? SIGN_IN_LIMITS,
      source: limits.source ?? SOURCE_LIMITS,
      account: limits.account ?? ACCOUNT_BUDGET,
    };
    deps.knownSources?.onAnnounced((username, source, at) =>
      this.rememberSuccess(username, source, at),
    );
  }

  /** Reserves one attempt of `source` at `username` (case-insensitive), or says how long to wait. */
  async reserve(username: string, source: string): Promise<SignInDecision> {
    const account = username.toLowerCase();
    const keys = [`${PAIR}${account}\n${source}`, `${SOURCE}${source}`, `${ACCOUNT}${account}`];
    const isKnownSource = this.isKnown(account, source);
    const { limits } = this;
    const wait = await this.deps.counters.update(keys, ([pair, from, budget]) => {
      if (!pair || !from || !budget) return 0;
      const now = this.deps.clock.now().getTime();
      const delay = Math.max(
        failureCount.retryAfterMs(pair, now),
        isKnownSource ? 0 : failureCount.retryAfterMs(from, now),
      );
      if (delay > 0) return delay;
      const budgetWait = accountBudget.take(budget, { isKnownSource, now, limits: limits.account });
      if (budgetWait > 0) return budgetWait;
      failureCount.recordFailure(pair, { now, limits: limits.pair });
      failureCount.recordFailure(from, { now, limits: limits.source });
      return 0;
    });
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    let isSettled = false;
    const settle = async (isRight: boolean): Promise<void> => {
      if (isSettled) return;
      isSettled = true;
      await this.deps.counters.update(keys, ([pair, from, budget]) => {
        if (!pair || !from || !budget) return;
        const now = this.deps.clock.now().getTime();
        accountBudget.giveBack(budget, { now, limits: limits.account });
        failureCount.refund(from, limits.source);
        if (isRight) failureCount.clear(pair);
        else failureCount.refund(pair, limits.pair);
      });
      if (!isRight) return;
      const at = this.deps.clock.now();
      this.rememberSuccess(account, source, at);
      this.deps.knownSources?.announce(account, source, at);
    };
    return {
      ok: true,
      isKnownSource,
      succeeded: () => settle(true),
      release: () => settle(false),
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
  async unlock(username: string): Promise<void> {
    const account = username.toLowerCase();
    await this.deps.counters.forget(`${ACCOUNT}${account}`);
    await this.deps.counters.forget(`${PAIR}${account}\n`);
  }

  private isKnown(account: string, source: string): boolean {
    const at = this.known.get(account)?.get(source);
    return (
      at !== undefined && this.deps.clock.now().getTime() - at < KNOWN_SOURCE_DAYS * 24 * 3_600_000
    );
  }
}
