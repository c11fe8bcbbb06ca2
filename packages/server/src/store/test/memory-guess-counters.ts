import { isEmpty } from '../repositories/shared-state.js';
import type { GuessCounter, GuessCounterRepository } from '../shared-state-repository.js';

/**
 * Guess counters in a Map, for unit tests that simulate hours of attempts: the same contract as
 * the store's (each change whole, nothing in between), without a database round trip per attempt.
 */
export function createMemoryGuessCounters(): GuessCounterRepository {
  const counters = new Map<string, GuessCounter>();
  return {
    update(keys, change) {
      const held = new Map(
        keys.map((key) => [
          key,
          counters.get(key) ?? {
            failures: 0,
            pending: 0,
            pendingUntil: 0,
            blockedUntil: 0,
            lastAt: 0,
          },
        ]),
      );
      const result = change(keys.map((key) => held.get(key) ?? fail(key)));
      for (const [key, counter] of held) {
        if (isEmpty(counter)) counters.delete(key);
        else counters.set(key, counter);
      }
      return Promise.resolve(result);
    },
    forget(prefix) {
      for (const key of counters.keys()) if (key.startsWith(prefix)) counters.delete(key);
      return Promise.resolve();
    },
    prune(before) {
      let count = 0;
      for (const [key, counter] of counters) {
        if (counter.lastAt < before.getTime() && counter.pending === 0) {
          counters.delete(key);
          count += 1;
        }
      }
      return Promise.resolve(count);
    },
  };
}

function fail(key: string): never {
  throw new Error(`counter ${key} was not held`);
}
