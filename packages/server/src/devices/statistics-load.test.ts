import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TestClock } from '@tether/protocol';
import { createStatisticsLoad, loadIntervalSec } from './statistics-load.js';

const settings = { intervalSec: 15, enabled: ['cpu' as const] };

function loadWithPushes(samplesPerSec = 200) {
  const clock = new TestClock();
  const pushes: number[] = [];
  const load = createStatisticsLoad({
    samplesPerSec,
    clock,
    push: (minimumSec) => {
      pushes.push(minimumSec);
      return Promise.resolve();
    },
  });
  return { clock, load, pushes };
}

describe('statistics load (A-5: a longer interval as the fleet grows)', () => {
  it('keeps the configured interval while the fleet is within the budget', () => {
    assert.equal(loadIntervalSec(0, 200), 0);
    assert.equal(loadIntervalSec(1000, 200), 0);
    assert.equal(loadIntervalSec(3000, 200), 15);
    const { load } = loadWithPushes();
    load.update(3000);
    assert.equal(load.minimumSec, 15);
    assert.deepEqual(load.lengthen(settings), settings);
  });

  it('lengthens the interval to the next step once the agents would exceed the budget', () => {
    assert.equal(loadIntervalSec(5000, 200), 30);
    assert.equal(loadIntervalSec(7500, 200), 45);
    assert.equal(loadIntervalSec(15_000, 200), 90);
    assert.equal(loadIntervalSec(10_000_000, 200), 3600);
    const { clock, load, pushes } = loadWithPushes();
    load.update(5000);
    assert.deepEqual(load.lengthen(settings), { ...settings, intervalSec: 30 });
    assert.deepEqual(pushes, [], 'not in the middle of a storm');
    clock.advance(30_000);
    assert.deepEqual(pushes, [30], 'the connected agents are told 30 s later');
    // A group's own longer interval is not shortened.
    assert.equal(load.lengthen({ ...settings, intervalSec: 300 }).intervalSec, 300);
  });

  it('does not push a step that changes no agent’s interval', () => {
    const clock = new TestClock();
    const pushes: number[] = [];
    const load = createStatisticsLoad({
      samplesPerSec: 200,
      clock,
      push: (minimumSec) => Promise.resolve(void pushes.push(minimumSec)),
      changesIntervals: (previousSec, nextSec) =>
        Math.max(previousSec, 15) !== Math.max(nextSec, 15),
    });
    load.update(2500);
    assert.equal(load.minimumSec, 15);
    clock.advance(30_000);
    load.update(3500);
    clock.advance(30_000);
    assert.deepEqual(pushes, [20], 'the step to 15 s was no push');
  });

  it('pushes once, after the storm, when a storm crosses several steps', () => {
    const { clock, load, pushes } = loadWithPushes();
    load.update(5000);
    clock.advance(10_000);
    load.update(7500);
    load.update(12_000);
    assert.equal(load.minimumSec, 60, 'welcomes get the current step at once');
    clock.advance(29_999);
    assert.deepEqual(pushes, [], 'the count changed 10 s in: the push waits for it to be still');
    clock.advance(1);
    assert.deepEqual(pushes, [60], 'one push, 30 s after the last change, of the step reached');
  });

  it('holds a waiting push back while a new storm goes on, yet not for ever', () => {
    const { clock, load, pushes } = loadWithPushes();
    load.update(5000);
    clock.advance(25_000);
    // A cluster node is lost: its agents arrive here for a while, within the step.
    for (let second = 0; second < 20; second++) {
      load.update(5001 + second * 50);
      clock.advance(1000);
    }
    assert.deepEqual(pushes, [], 'not while agents keep arriving');
    clock.advance(29_000);
    assert.deepEqual(pushes, [30], 'pushed once the count was still for 30 s');

    const churning = loadWithPushes();
    churning.load.update(5000);
    for (let second = 0; second < 299; second++) {
      churning.load.update(5000 + (second % 2));
      churning.clock.advance(1000);
    }
    assert.deepEqual(churning.pushes, []);
    churning.clock.advance(1000);
    assert.deepEqual(churning.pushes, [30], 'a fleet never still hears 5 min after the step');
  });

  it('steps down only once the fleet is well below the step, so a boundary does not flap', () => {
    const { clock, load, pushes } = loadWithPushes();
    load.update(4001);
    assert.equal(load.minimumSec, 30);
    clock.advance(30_000);
    load.update(3999);
    load.update(4001);
    load.update(3300);
    assert.equal(load.minimumSec, 30, 'within a fifth of the step: unchanged');
    load.update(3100);
    assert.equal(load.minimumSec, 20);
    clock.advance(30_000);
    load.update(100);
    assert.equal(load.minimumSec, 0);
    assert.deepEqual(pushes, [30, 20]);
    clock.advance(30_000);
    assert.deepEqual(pushes, [30, 20, 0], 'back under the budget: the configured interval again');
  });
});
