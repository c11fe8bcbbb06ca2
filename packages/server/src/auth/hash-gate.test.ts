import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@tether/protocol';
import { HashGate } from './hash-gate.js';

/** A hash that ends when the test says so, recording the order hashes started in. */
function controlledHashes(): {
  hash(name: string): () => Promise<string>;
  started: string[];
  finish(name: string): void;
  running(): number;
} {
  const started: string[] = [];
  const pending = new Map<string, () => void>();
  return {
    started,
    hash: (name) => () =>
      new Promise<string>((resolve) => {
        started.push(name);
        pending.set(name, () => resolve(name));
      }),
    finish(name) {
      const resolve = pending.get(name);
      assert.ok(resolve, `${name} is running`);
      pending.delete(name);
      resolve();
    },
    running: () => pending.size,
  };
}

const limits = { concurrency: 2, maxQueued: 6, maxQueuedPerSource: 2, maxQueuedKnown: 4 };
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('no more hashes run at once than the gate allows', async () => {
  const gate = new HashGate(limits);
  const hashes = controlledHashes();
  const results = ['a', 'b', 'c', 'd'].map((name, i) =>
    gate.run(hashes.hash(name), { source: `10.0.0.${i}`, isKnownSource: false }),
  );
  await settle();
  assert.deepEqual(hashes.started, ['a', 'b']);
  hashes.finish('a');
  await settle();
  assert.deepEqual(hashes.started, ['a', 'b', 'c']);
  assert.equal(hashes.running(), 2);
  for (const name of ['b', 'c', 'd']) {
    hashes.finish(name);
    await settle();
  }
  assert.deepEqual(await Promise.all(results), ['a', 'b', 'c', 'd']);
});

test('a source that signed in before does not wait behind a flood, and flooding sources take turns', async () => {
  const gate = new HashGate(limits);
  const hashes = controlledHashes();
  const run = (name: string, source: string, isKnownSource = false): Promise<string> =>
    gate.run(hashes.hash(name), { source, isKnownSource });
  const all = [
    run('flood-1', 'attacker-a'),
    run('flood-2', 'attacker-a'),
    run('a-3', 'attacker-a'),
    run('a-4', 'attacker-a'),
    run('b-1', 'attacker-b'),
    run('owner', 'office', true),
    run('owner-again', 'office', true),
  ];
  await settle();
  assert.deepEqual(
    hashes.started,
    ['flood-1', 'flood-2', 'owner'],
    'the owner has a slot of its own',
  );
  hashes.finish('flood-1');
  await settle();
  assert.equal(hashes.started[3], 'owner-again', 'then known sources go first');
  hashes.finish('owner');
  hashes.finish('owner-again');
  await settle();
  assert.deepEqual(hashes.started.slice(4), ['a-3'], 'only as many others as the gate allows');
  hashes.finish('flood-2');
  await settle();
  assert.equal(hashes.started[5], 'b-1', 'the other source before a second from the first');
  for (const name of ['a-3', 'b-1']) {
    hashes.finish(name);
    await settle();
  }
  hashes.finish('a-4');
  assert.equal((await Promise.all(all)).length, 7);
});

test('when too many wait, a new attempt is refused at once with RATE_LIMITED', async () => {
  const gate = new HashGate(limits);
  const hashes = controlledHashes();
  const accepted = Array.from({ length: 2 + 6 }, (_, i) =>
    gate.run(hashes.hash(`h${i}`), { source: `10.0.1.${i}`, isKnownSource: false }),
  );
  const refusal = await gate
    .run(hashes.hash('late'), { source: '10.0.2.1', isKnownSource: false })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  assert.ok(refusal instanceof AppError && refusal.code === 'RATE_LIMITED', String(refusal));
  assert.equal(refusal.details?.retryAfterSec, 2);
  const sameSource = [0, 1, 2].map((i) =>
    gate.run(hashes.hash(`own-${i}`), { source: '10.0.0.7', isKnownSource: true }),
  );
  await settle();
  for (let i = 0; i < 2 + 6 + 3; i++) {
    const next = hashes.started[i];
    assert.ok(next, `hash ${i} started`);
    hashes.finish(next);
    await settle();
  }
  assert.equal((await Promise.all([...accepted, ...sameSource])).length, 11);
  assert.equal(hashes.started.includes('late'), false, 'the refused hash never ran');
});

test('one source cannot fill the queue', async () => {
  const gate = new HashGate(limits);
  const hashes = controlledHashes();
  const outcomes = Array.from({ length: 5 }, (_, i) =>
    gate.run(hashes.hash(`x${i}`), { source: '10.9.9.9', isKnownSource: false }).then(
      () => 'ran',
      () => 'refused',
    ),
  );
  await settle();
  for (const name of ['x0', 'x1', 'x2', 'x3']) {
    hashes.finish(name);
    await settle();
  }
  assert.deepEqual(await Promise.all(outcomes), ['ran', 'ran', 'ran', 'ran', 'refused']);
});
