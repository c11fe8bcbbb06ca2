import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TestClock } from '@tether/protocol';
import { PER_KIND_PER_HOUR, REPEAT_WINDOW_MS, RepeatGuard } from './repeat-guard.js';

describe('notification repeat guard', () => {
  it('sends the same notification once per quarter of an hour', () => {
    const clock = new TestClock();
    const guard = new RepeatGuard(clock);
    const failure = {
      kind: 'server.error',
      subject: 'Background task failed: x',
      text: '',
    } as const;
    assert.equal(guard.admit(failure), true);
    assert.equal(guard.admit(failure), false);
    assert.equal(guard.admit({ ...failure, subject: 'Background task failed: y' }), true);
    clock.advance(REPEAT_WINDOW_MS);
    assert.equal(guard.admit(failure), true);
  });

  it('caps each kind per hour, whatever the subjects', () => {
    const clock = new TestClock();
    const guard = new RepeatGuard(clock);
    const admitted = Array.from({ length: PER_KIND_PER_HOUR + 5 }, (_, index) =>
      guard.admit({ kind: 'server.error', subject: `failure ${index}`, text: '' }),
    ).filter(Boolean).length;
    assert.equal(admitted, PER_KIND_PER_HOUR);
    assert.equal(guard.admit({ kind: 'agent.lost', subject: 'web-01 is lost', text: '' }), true);
    clock.advance(3_600_000);
    assert.equal(guard.admit({ kind: 'server.error', subject: 'failure 99', text: '' }), true);
  });
});
