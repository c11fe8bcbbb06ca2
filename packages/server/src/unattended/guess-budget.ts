import type { Clock } from '../clock.js';

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

interface KeyState {
  failures: number;
  /** Attempts counted and still being checked. */
  pending: number;
  blockedUntil: number;
  lastAt: number;
}

/** A counted attempt: report its outcome once the password was checked. */
export interface GuessReservation {
  failed(): void;
  succeeded(): void;
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
 * A separate class from auth's sign-in limiter on purpose: one-time passwords have their own
 * limits and keys, and the two areas change independently.
 *
 * @example
 * const admission = budget.reserve(['access:123', 'device:abc'], ['access:123']);
 * if (!admission.isAllowed) throw rateLimited(admission.retryAfterMs);
 * (await verify()) ? admission.reservation.succeeded() : admission.reservation.failed();
 */
export class GuessBudget {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: GuessLimits,
  ) {}

  /**
   * Counts one attempt against every key, or says how long to wait. Synchronous on purpose: no
   * other attempt can slip in between the check and the count.
   */
  reserve(keys: readonly string[], clearOnSuccess: readonly string[]): GuessAdmission {
    const now = this.clock.now().getTime();
    const retryAfterMs = Math.max(0, ...keys.map((key) => this.waitFor(key, now)));
    if (retryAfterMs > 0) return { isAllowed: false, retryAfterMs };
    const states = keys.map((key) => this.stateOf(key, now));
    for (const state of states) {
      state.pending += 1;
      state.lastAt = now;
    }
    let isSettled = false;
    const settle = (isSuccess: boolean): void => {
      if (isSettled) return;
      isSettled = true;
      const at = this.clock.now().getTime();
      keys.forEach((key, index) => {
        const state = states[index];
        if (!state) return;
        state.pending -= 1;
        state.lastAt = at;
        if (isSuccess && clearOnSuccess.includes(key)) state.failures = 0;
        if (!isSuccess) {
          state.failures += 1;
          state.blockedUntil = Math.max(state.blockedUntil, at + this.delayAfter(state.failures));
        }
        if (state.failures === 0 && state.pending === 0) this.keys.delete(key);
      });
      this.prune(at);
    };
    return {
      isAllowed: true,
      reservation: { failed: () => settle(false), succeeded: () => settle(true) },
    };
  }

  /** How long a new attempt on this key must wait; 0 when it may go now. */
  private waitFor(key: string, now: number): number {
    const state = this.keys.get(key);
    if (!state) return 0;
    if (this.isForgotten(state, now)) return 0;
    if (state.blockedUntil > now) return state.blockedUntil - now;
    const counted = state.failures + state.pending;
    // Within the free attempts any number may be checked at once; beyond them, one at a time.
    // The wait is a hint: once those settle, a failure among them sets the real delay.
    if (state.pending > 0 && counted >= this.limits.freeAttempts) return IN_FLIGHT_WAIT_MS;
    return 0;
  }

  private stateOf(key: string, now: number): KeyState {
    const existing = this.keys.get(key);
    if (existing && !this.isForgotten(existing, now)) return existing;
    const fresh: KeyState = { failures: 0, pending: 0, blockedUntil: 0, lastAt: now };
    this.keys.set(key, fresh);
    return fresh;
  }

  private isForgotten(state: KeyState, now: number): boolean {
    return state.pending === 0 && now - state.lastAt >= FORGET_AFTER_MS;
  }

  private delayAfter(failures: number): number {
    const { freeAttempts, firstDelayMs, maxDelayMs } = this.limits;
    if (failures <= freeAttempts) return 0;
    return Math.min(maxDelayMs, firstDelayMs * 2 ** (failures - freeAttempts - 1));
  }

  private prune(now: number): void {
    if (this.keys.size < 10_000) return;
    for (const [key, state] of this.keys) {
      if (this.isForgotten(state, now)) this.keys.delete(key);
    }
  }
}
