import assert from 'node:assert/strict';
import { test } from 'node:test';
import { turnBatch } from './turn-batch.js';

/** A batch runner that records each batch and answers each input doubled. */
function recorder(): {
  batches: number[][];
  run: (inputs: readonly number[]) => Promise<number[]>;
} {
  const batches: number[][] = [];
  return {
    batches,
    run: (inputs) => {
      batches.push([...inputs]);
      return Promise.resolve(inputs.map((input) => input * 2));
    },
  };
}

test('calls made in one turn run as one batch, and each caller gets its own answer', async () => {
  const { batches, run } = recorder();
  const double = turnBatch(run);
  const answers = await Promise.all([1, 2, 3].map((input) => double(input)));
  assert.deepEqual(answers, [2, 4, 6]);
  assert.deepEqual(batches, [[1, 2, 3]]);
});

test('calls made while a batch runs form the next batch; a lone call still runs', async () => {
  const batches: number[][] = [];
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow = turnBatch(async (inputs: readonly number[]) => {
    batches.push([...inputs]);
    if (batches.length === 1) await gate;
    return inputs;
  });
  const first = slow(1);
  await new Promise((resolve) => setImmediate(resolve));
  const later = [slow(2), slow(3)];
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [[1]], 'one batch at a time');
  release();
  assert.deepEqual(await Promise.all([first, ...later]), [1, 2, 3]);
  assert.deepEqual(batches, [[1], [2, 3]]);
  assert.equal(await slow(4), 4);
});

test('a batch holds at most `max` calls', async () => {
  const { batches, run } = recorder();
  const double = turnBatch(run, { max: 2 });
  assert.deepEqual(
    await Promise.all([1, 2, 3, 4, 5].map((input) => double(input))),
    [2, 4, 6, 8, 10],
  );
  assert.deepEqual(batches, [[1, 2], [3, 4], [5]]);
});

test('a failed batch fails each of its calls, and the next batch runs', async () => {
  let fail = true;
  const flaky = turnBatch((inputs: readonly number[]) =>
    fail ? Promise.reject(new Error('database unavailable')) : Promise.resolve(inputs),
  );
  const results = await Promise.allSettled([flaky(1), flaky(2)]);
  assert.deepEqual(
    results.map((result) => result.status),
    ['rejected', 'rejected'],
  );
  fail = false;
  assert.equal(await flaky(3), 3);
});

test('a runner that answers the wrong number of results fails the batch', async () => {
  const broken = turnBatch(() => Promise.resolve([1]));
  await assert.rejects(Promise.all([broken(1), broken(2)]), /a batch of 2 gave 1 results/);
});
