import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelayMs } from './backoff.js';

describe('upload retry delay', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };

  it('doubles per failed attempt between half and all of the ceiling', () => {
    assert.equal(
      retryDelayMs(policy, 1, () => 0),
      500,
    );
    assert.equal(
      retryDelayMs(policy, 1, () => 1),
      1000,
    );
    assert.equal(
      retryDelayMs(policy, 4, () => 0),
      4000,
    );
    assert.equal(
      retryDelayMs(policy, 4, () => 1),
      8000,
    );
  });

  it('never waits longer than the maximum, however many attempts failed', () => {
    assert.equal(
      retryDelayMs(policy, 50, () => 1),
      60_000,
    );
    assert.equal(
      retryDelayMs(policy, 1000, () => 0),
      30_000,
    );
  });
});
