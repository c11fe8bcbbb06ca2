import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { TestClock } from '@tether/protocol';
import { SignInThrottle } from '../auth/sign-in-throttle.js';
import { createMemoryGuessCounters } from '../store/test/memory-guess-counters.js';
import { knownSignInSources } from './known-sign-in-sources.js';
import { MemoryClusterGroup } from './memory-cluster.js';

test('a source a user signed in from on one node is known on the other nodes', async () => {
  const clock = new TestClock(Date.parse('2026-12-01T00:00:00Z'));
  const group = new MemoryClusterGroup();
  const counters = createMemoryGuessCounters(); // the shared database's counters
  const nodeOf = (id: string): SignInThrottle => {
    const feed = knownSignInSources(
      group.join(id, () => `https://${id}.test`),
      pino({ level: 'silent' }),
    );
    return new SignInThrottle({ counters, clock, knownSources: feed });
  };
  const [a, b] = [nodeOf('node-a'), nodeOf('node-b')];
  const before = await b.reserve('alice', '198.51.100.7');
  assert.ok(before.ok);
  assert.equal(before.isKnownSource, false);
  await before.release();

  const signIn = await a.reserve('Alice', '198.51.100.7');
  assert.ok(signIn.ok);
  await signIn.succeeded();
  await new Promise((resolve) => setImmediate(resolve));
  const after = await b.reserve('alice', '198.51.100.7');
  assert.ok(after.ok);
  assert.equal(after.isKnownSource, true, 'node B serves the owner first too');
});
