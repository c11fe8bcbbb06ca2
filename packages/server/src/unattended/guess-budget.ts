import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { GuessCounter } from '../store/shared-state-repository.js';
import type { Store } from '../store/store.js';

/** Free attempts before delays start, the first delay, and the cap. */
export interface GuessLimits {
  freeAttempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/** Failures are forgotten after this long without another attempt. */
const FORGET_AFTER_MS = 60 * 60 * 1000;
/** What a refusal asks to wait at least, while other attempts are still being checked. */
const IN_FLIGHT_WAIT_MS = 1000;

/**
 * How long an attempt in flight counts without its outcome. A check takes well under a second;
 * an attempt whose node died before reporting stops holding the key after this.
 */
const PENDING_LEASE_MS = 60_000;

/** A counted attempt: report its outcome once the password was checked. */
export interface GuessReservation {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
}

/** The outcome of {@link GuessBudget.reserve}. */
export type GuessAdmission =
  { isAllowed: true; reservation: GuessReservation } | { isAllowed: false; retryAfterMs: number };

/**
 * Guess limiting that counts an attempt before its password is checked (issue 10). Checking
 * first and counting after the slow hash let a burst of simultaneous attempts all pass the
 * check, a correct password among them included. Here an attempt reserves its place at once:
 * while the attempts in flight and the failures already counted use up the free attempts, the
 * next one is refused until they are settled, and after the free attempts only one attempt at
 * a time is checked, each failure doubling the wait up to the cap. A success clears the keys
 * the caller names (the access's, not the device's, so one known password cannot unlock
 * guessing).
 *
 * The counters are in the store, each change made under a row lock, so every node of a cluster
 * counts against one budget. `scope` keeps budgets of different uses apart.
 *
 * A separate class from auth's sign-in limiter on purpose: one-time passwords have their own
 * limits and keys, and the two areas change independently.
 *
 * @example
 * const admission = await budget.reserve(['access:123', 'device:abc'], ['access:123']);
 * if (!admission.isAllowed) throw rateLimited(admission.retryAfterMs);
 * await ((await verify()) ? admission.reservation.succeeded() : admission.reservation.failed());
 */
export class GuessBudget {
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: { store: Store; clock: Clock; log: Logger },
    private readonly limits: GuessLimits & { scope: string },
  ) {}

  /**
   * Counts one attempt against every key, or says how long to wait: the check and the count are
   * one locked change, so no other attempt (on any node) can slip in between.
   */
  async reserve(
    keys: readonly string[],
    clearOnSuccess: readonly string[],
  ): Promise<GuessAdmission> {
    this.prune();
    const stored = keys.map((key) => `${this.limits.scope}:${key}`);
    const retryAfterMs = await this.deps.store.guessCounters.update(stored, (counters) => {
      const now = this.deps.clock.now().getTime();
      for (const counter of counters) this.refresh(counter, now);
      const wait = Math.max(0, ...counters.map((counter) => this.waitFor(counter, now)));
      if (wait > 0) return wait;
      for (const counter of counters) {
        counter.pending += 1;
        counter.pendingUntil = now + PENDING_LEASE_MS;
        counter.lastAt = now;
      }
      return 0;
    });
    if (retryAfterMs > 0) return { isAllowed: false, retryAfterMs };
    let isSettled = false;
    const settle = async (isSuccess: boolean): Promise<void> => {
      if (isSettled) return;
      isSettled = true;
      await this.deps.store.guessCounters.update(stored, (counters) => {
        const at = this.deps.clock.now().getTime();
        counters.forEach((counter, index) => {
          counter.pending = Math.max(0, counter.pending - 1);
          counter.lastAt = at;
          const key = keys[index];
          if (isSuccess && key !== undefined && clearOnSuccess.includes(key)) counter.failures = 0;
          if (!isSuccess) {
            counter.failures += 1;
            counter.blockedUntil = Math.max(
              counter.blockedUntil,
              at + this.delayAfter(counter.failures),
            );
          }
          // Nothing left to hold against the key: it starts afresh.
          if (counter.failures === 0 && counter.pending === 0) counter.blockedUntil = 0;
        });
      });
    };
    return {
      isAllowed: true,
      reservation: { failed: () => settle(false), succeeded: () => settle(true) },
    };
  }

  /** Drops attempts in flight whose outcome never came, and failures long forgotten. */
  private refresh(counter: GuessCounter, now: number): void {
    if (counter.pending > 0 && counter.pendingUntil <= now) counter.pending = 0;
    if (counter.pending === 0 && now - counter.lastAt >= FORGET_AFTER_MS) {
      counter.failures = 0;
      counter.blockedUntil = 0;
    }
  }

  /** How long a new attempt on this key must wait; 0 when it may go now. */
  private waitFor(counter: GuessCounter, now: number): number {
    if (counter.blockedUntil > now) return counter.blockedUntil - now;
    const counted = counter.failures + counter.pending;
    // Within the free attempts any number may be checked at once; beyond them, one at a time.
    // The wait is a hint: once those settle, a failure among them sets the real delay.
    if (counter.pending > 0 && counted >= this.limits.freeAttempts) return IN_FLIGHT_WAIT_MS;
    return 0;
  }

  private delayAfter(failures: number): number {
    const { freeAttempts, firstDelayMs, maxDelayMs } = this.limits;
    if (failures <= freeAttempts) return 0;
    return Math.min(maxDelayMs, firstDelayMs * 2 ** (failures - freeAttempts - 1));
  }

  /** Deletes counters forgotten an hour ago, at most once a minute, in the background. */
  private prune(): void {
    const now = this.deps.clock.now().getTime();
    if (now - this.prunedAt < 60_000) return;
    this.prunedAt = now;
    this.deps.store.guessCounters
      .prune(new Date(now - FORGET_AFTER_MS))
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'cannot prune guess counters'));
  }
}
