import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, percentile, summarize } from './summary.js';

test('percentiles are nearest-rank: every figure is a sample that was observed', () => {
  const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile([7], 99), 7);
});

test('a summary sorts its samples and rounds to hundredths', () => {
  const summary = summarize([3.333, 1, 2]);
  assert.deepEqual(summary, {
    count: 3,
    min: 1,
    p50: 2,
    p90: 3.33,
    p99: 3.33,
    max: 3.33,
    mean: 2.11,
  });
});

test('no samples give NaN figures rather than zeros that look measured', () => {
  assert.ok(Number.isNaN(summarize([]).p50));
  assert.ok(Number.isNaN(median([])));
});
