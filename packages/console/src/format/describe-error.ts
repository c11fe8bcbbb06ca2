import { AppError } from '@tether/protocol';

/**
 * The sentence to show for a failed call: the server's message (it already says what to do),
 * plus the wait for rate limits.
 *
 * @example
 * setMessage(describeError(error));
 */
export function describeError(error: unknown): string {
  if (error instanceof AppError) {
    if (error.code === 'RATE_LIMITED') {
      const wait = error.details?.retryAfterSec;
      if (typeof wait === 'number' && wait > 0 && !/try again/i.test(error.message)) {
        return `${error.message} Try again in ${Math.ceil(wait)} s.`;
      }
    }
    return error.message;
  }
  if (error instanceof Error) return `Something went wrong: ${error.message}`;
  return 'Something went wrong. Reload the page and try again.';
}

/**
 * Whether an error means the technician is no longer signed in.
 *
 * @example
 * if (isSignedOut(error)) onSignedOut();
 */
export function isSignedOut(error: unknown): boolean {
  return error instanceof AppError && error.code === 'AUTH_REQUIRED';
}

/** A wait the server wrote into a message: "Try again in 60 s.", ": wait 30 s before trying again." */
const WRITTEN_WAIT = /[\s:;,]*\b(?:try again in|wait)\s+\d+\s*(?:s|sec|seconds?)\b[^.]*\.?/gi;

/**
 * A rate limit's message with the wait as the countdown says it now: the server's own figure
 * is fixed when it answered, so it is replaced, and the message and the countdown never disagree.
 *
 * @example
 * describeWait('Too many failed sign-ins. Try again in 60 s.', 43) // 'Too many failed sign-ins. Try again in 43 s.'
 */
export function describeWait(message: string, secondsLeft: number): string {
  const base = message.replace(WRITTEN_WAIT, '').trim();
  const sentence = base === '' || /[.!?]$/.test(base) ? base : `${base}.`;
  const wait = secondsLeft > 0 ? `Try again in ${secondsLeft} s.` : 'You can try again now.';
  return `${sentence} ${wait}`.trim();
}
