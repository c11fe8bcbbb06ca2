import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, at, T0 } from './test/fixtures.js';

function defineWakeAddressContract(engine: string, newDatabase: () => Promise<string>): void {
  describe(`Wake addresses store (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('a passive agent’s latest report replaces the previous one', async () => {
      const device = await addDevice(store, 'kiosk-01');
      assert.equal(await store.wakeAddresses.find(device.id), undefined);
      await store.wakeAddresses.record(device.id, {
        remoteAddress: '192.0.2.7',
        passivePort: 5832,
        reportedAt: T0,
      });
      await store.wakeAddresses.record(device.id, {
        remoteAddress: '198.51.100.9',
        passivePort: 6000,
        reportedAt: at(60),
      });
      assert.deepEqual(await store.wakeAddresses.find(device.id), {
        remoteAddress: '198.51.100.9',
        passivePort: 6000,
        reportedAt: at(60),
      });
    });
  });
}

onEachEngine(defineWakeAddressContract);
