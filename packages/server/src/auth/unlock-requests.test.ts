import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { openStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { requestUnlock, watchUnlockRequests } from './unlock-requests.js';

let dir: string;
let store: Store;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tether-unlock-'));
  store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

test('a running server applies each unlock the CLI writes once, polling at most once a second', async () => {
  const clock = new TestClock(Date.parse('2026-01-01T00:00:00Z'));
  const unlocked: string[] = [];
  const watcher = watchUnlockRequests({
    store,
    clock,
    onUnlock: (name) => void unlocked.push(name),
  });
  await watcher.poll();
  assert.deepEqual(unlocked, []);

  await requestUnlock(store, 'Admin', clock.now());
  await watcher.poll();
  assert.deepEqual(unlocked, [], 'not read again within the second');
  clock.advance(1000);
  await watcher.poll();
  assert.deepEqual(unlocked, ['admin']);
  clock.advance(1000);
  await watcher.poll();
  assert.deepEqual(unlocked, ['admin'], 'applied once');

  await requestUnlock(store, 'bob', clock.now());
  await requestUnlock(store, 'admin', new Date(clock.now().getTime() + 1));
  clock.advance(1000);
  await watcher.poll();
  assert.deepEqual(unlocked.slice(1).sort(), ['admin', 'bob']);
});
