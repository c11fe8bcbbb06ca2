import assert from 'node:assert/strict';
import { AppError } from '@tether/protocol';

/**
 * The AppError `run` throws, for a test to check its code and message; fails the test with
 * `whenAccepted` when it throws nothing, and rethrows any other error.
 *
 * @example
 * const refused = refusal(() => parseParams(schema, { id: 'web-01' }, 'device'));
 * assert.equal(refused.code, 'INVALID_INPUT');
 */
export function refusal(run: () => unknown, whenAccepted = 'expected a refusal'): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  assert.fail(whenAccepted);
}
