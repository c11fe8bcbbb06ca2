import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { at, T0 } from './test/fixtures.js';

const TICKET = {
  tokenHash: 'hash-1',
  sessionId: 'session-1',
  role: 'console' as const,
  guestId: null,
  expiresAt: at(60),
};
const GRANT = {
  tenantId: 'tenant-1',
  deviceId: 'device-1',
  deviceKeyId: 'key-1',
  targetNonce: 'nonce-1',
  controlType: 'attended',
  tokenId: 'token-1',
  expiresAt: at(60),
};

function defineSharedStateContract(engine: string, newDatabase: () => Promise<string>): void {
  describe(`Shared one-time state (${engine})`, () => {
    let store: Store;
    /** A second store on the same database: another node. */
    let other: Store;
    beforeEach(async () => {
      const url = await newDatabase();
      store = await openStore(url);
      other = await openStore(url);
    });
    afterEach(async () => {
      await other.close();
      await store.close();
    });

    it('a relay token is consumed once, by one of two nodes racing for it', async () => {
      await store.relayTickets.issue(TICKET);
      const input = { sessionId: 'session-1', at: at(1) };
      const results = await Promise.all([
        store.relayTickets.consume('hash-1', input),
        other.relayTickets.consume('hash-1', input),
      ]);
      assert.deepEqual(
        results.filter((result) => result !== undefined),
        [{ role: 'console', guestId: null }],
      );
      assert.equal((await store.relayTickets.find('hash-1'))?.isUsed, true);
    });

    it('a relay token is not consumed for another session, once expired, or after its session ended', async () => {
      await store.relayTickets.issue(TICKET);
      await store.relayTickets.issue({ ...TICKET, tokenHash: 'hash-2', guestId: 'guest-1' });
      assert.equal(
        await store.relayTickets.consume('hash-1', { sessionId: 'x', at: T0 }),
        undefined,
      );
      const late = { sessionId: 'session-1', at: at(60) };
      assert.equal(await store.relayTickets.consume('hash-1', late), undefined);
      await store.relayTickets.endSession('session-1');
      assert.equal(
        await store.relayTickets.consume('hash-2', { sessionId: 'session-1', at: T0 }),
        undefined,
      );
      assert.deepEqual(await store.relayTickets.find('hash-2'), {
        ...TICKET,
        tokenHash: 'hash-2',
        guestId: 'guest-1',
        isUsed: false,
        isSessionEnded: true,
      });
      assert.equal(await store.relayTickets.prune(at(61)), 2);
      assert.equal(await store.relayTickets.find('hash-1'), undefined);
    });

    it('a control grant is taken once, by one of two nodes racing for it', async () => {
      await store.controlGrants.add(GRANT);
      const ref = { deviceId: 'device-1', deviceKeyId: 'key-1', targetNonce: 'nonce-1' };
      const results = await Promise.all([
        store.controlGrants.take(ref),
        other.controlGrants.take(ref),
      ]);
      assert.deepEqual(
        results.filter((result) => result !== undefined),
        [GRANT],
      );
    });

    it('control grants of a key are dropped together, and expired ones pruned', async () => {
      await store.controlGrants.add(GRANT);
      await store.controlGrants.add({ ...GRANT, targetNonce: 'nonce-2', expiresAt: at(10) });
      await store.controlGrants.add({ ...GRANT, deviceKeyId: 'key-2' });
      assert.equal(await store.controlGrants.prune(at(10)), 1);
      await store.controlGrants.dropKey('device-1', 'key-1');
      const ref = { deviceId: 'device-1', targetNonce: 'nonce-1' };
      assert.equal(await store.controlGrants.take({ ...ref, deviceKeyId: 'key-1' }), undefined);
      assert.deepEqual(await store.controlGrants.take({ ...ref, deviceKeyId: 'key-2' }), {
        ...GRANT,
        deviceKeyId: 'key-2',
      });
    });

    it('guess counters changed by two nodes at once lose no change', async () => {
      // SQLite serves one node: two connections in one process would block each other's
      // synchronous driver for the busy timeout, so there the changes race within one store.
      const peer = engine === 'sqlite' ? store : other;
      const bump = (node: Store) =>
        node.guessCounters.update(['a', 'b'], (counters) => {
          for (const counter of counters) {
            counter.failures += 1;
            counter.lastAt = T0.getTime();
          }
          return counters[0]?.failures;
        });
      const seen = await Promise.all(
        Array.from({ length: 10 }, (_, index) => bump(index % 2 === 0 ? store : peer)),
      );
      assert.deepEqual(
        [...seen].sort((x, y) => (x ?? 0) - (y ?? 0)),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      const read = await store.guessCounters.update(['b'], (counters) => counters[0]?.failures);
      assert.equal(read, 10);
    });

    it('a guess counter back at zero is deleted, and forgotten ones are pruned', async () => {
      await store.guessCounters.update(['a', 'b'], (counters) => {
        for (const counter of counters) {
          counter.failures = 1;
          counter.lastAt = T0.getTime();
        }
      });
      await store.guessCounters.update(['a'], (counters) => {
        for (const counter of counters) counter.failures = 0;
      });
      assert.equal(await store.guessCounters.prune(at(1)), 1, 'only b was left');
    });
  });
}

onEachEngine(defineSharedStateContract);
