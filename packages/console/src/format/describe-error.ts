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
