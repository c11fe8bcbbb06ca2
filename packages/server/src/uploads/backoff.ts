/** How failed uploads are retried. */
export interface RetryPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** The delay never grows beyond this. */
  maxMs: number;
}

/**
 * Delay before the next attempt after `attempts` failed ones: doubling from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (a random half of it), so many uploads failing together (the
 * target was down) do not all come back in the same second.
 *
 * @example
 * retryDelayMs({ baseMs: 5000, maxMs: 3_600_000 }, 3, Math.random); // 10–20 s
 */
export function retryDelayMs(policy: RetryPolicy, attempts: number, random: () => number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
