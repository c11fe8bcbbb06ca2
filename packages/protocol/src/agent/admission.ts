/**
 * How the server tells an agent to come back later: it answers the control channel's
 * upgrade request with `503 Service Unavailable`, a standard `Retry-After` in whole seconds, and
 * this header with the wait in milliseconds (the server spreads a storm's agents over the
 * seconds ahead, finer than whole seconds). The agent waits that long plus a little jitter
 * instead of its own backoff; nothing else about the connection changes.
 */
export const RETRY_AFTER_MS_HEADER = 'tether-retry-after-ms';

/** The longest wait an agent accepts from a server's answer, whatever it says (10 minutes). */
export const MAX_RETRY_AFTER_MS = 600_000;

/**
 * The wait a `503` answer asks for, in ms: the precise header first, else `Retry-After` in
 * seconds (also what a reverse proxy in front may send); `undefined` when neither is usable.
 *
 * @example
 * retryAfterMs({ 'retry-after': '2', 'tether-retry-after-ms': '1250' }); // 1250
 */
export function retryAfterMs(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): number | undefined {
  const precise = Number(single(headers[RETRY_AFTER_MS_HEADER]));
  if (Number.isFinite(precise) && precise >= 0) return Math.min(precise, MAX_RETRY_AFTER_MS);
  const seconds = Number(single(headers['retry-after']));
  // An HTTP date is also allowed there; only the delay in seconds is read, the rest ignored.
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  return undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text;
}
