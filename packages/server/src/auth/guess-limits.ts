/**
 * Free attempts before delays start, the first delay, and the cap: how fast guesses are slowed
 * (sign-ins per account and source, S-3; one-time passwords, M-2; second-factor codes). The
 * counts live in the shared guess counters (`failureCount`), so every node sees them.
 */
export interface GuessLimits {
  freeAttempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/** Sign-in: three free failures, then 1 s doubling up to 15 minutes. */
export const SIGN_IN_LIMITS: GuessLimits = {
  freeAttempts: 3,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
};
