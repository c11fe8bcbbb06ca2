import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, at, T0 } from './test/fixtures.js';

const OLD = 'o'.repeat(43);
const NEW = 'n'.repeat(43);

function defineServerKeyPinContract(engine: string, newDatabase: () => Promise<string>): void {
  describe(`Server key pins store (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('devices enrolled before pins were recorded adopt the first key, once', async () => {
      const first = await addDevice(store, 'web-01');
      const second = await addDevice(store, 'web-02');
      await store.serverKeyPins.record(second.id, NEW, T0);
      assert.equal(await store.serverKeyPins.adoptUnpinned(OLD, T0), 1);
      assert.equal(await store.serverKeyPins.adoptUnpinned(OLD, T0), 0);
      assert.equal(await store.serverKeyPins.find(first.id), OLD);
      assert.deepEqual(
        await store.serverKeyPins.counts(),
        new Map([
          [OLD, 1],
          [NEW, 1],
        ]),
      );
    });

    it('a confirmed pin replaces the previous one and counts move with it', async () => {
      const device = await addDevice(store, 'web-01');
      await store.serverKeyPins.record(device.id, OLD, T0);
      await store.serverKeyPins.record(device.id, NEW, at(60));
      assert.equal(await store.serverKeyPins.find(device.id), NEW);
      assert.deepEqual(await store.serverKeyPins.counts(), new Map([[NEW, 1]]));
      assert.equal(
        await store.serverKeyPins.find('00000000-0000-4000-8000-000000000000'),
        undefined,
      );
    });
  });
}

onEachEngine(defineServerKeyPinContract);
