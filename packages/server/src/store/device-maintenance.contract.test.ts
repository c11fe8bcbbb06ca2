import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, addInstaller, at, inventory, T0 } from './test/fixtures.js';

const DAY_SEC = 24 * 60 * 60;

async function addWithLimit(store: Store, name: string, maxOfflineMinutes: number) {
  const installer = await addInstaller(store);
  const result = await store.devices.enroll({
    installerId: installer.id,
    now: T0,
    device: {
      id: randomUUID(),
      name,
      publicKey: 'A'.repeat(43),
      inventory: inventory(name),
      enrolledAt: T0,
      maxOfflineMinutes,
    },
  });
  if (!result.ok) throw new Error(result.reason);
  return result.device;
}

/** The queries of fleet maintenance, alike on both engines. */
function defineDeviceMaintenanceContract(
  engine: Store['engine'],
  newDatabase: () => Promise<string>,
): void {
  describe(`device maintenance queries (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('selects devices due at a time: not yet lost past the lost threshold, past the delete threshold, past their own limit', async () => {
      const quiet = await addDevice(store, 'quiet');
      const recent = await addDevice(store, 'recent');
      await store.devices.setLastSeen(recent.id, at(20 * DAY_SEC));
      // 40 days in minutes × 60 000 overflows a 32-bit integer: the cast must hold on PostgreSQL.
      const ownLong = await addWithLimit(store, 'own-long', 40 * 24 * 60);
      const ephemeral = await addWithLimit(store, 'ephemeral', 5);
      const names = async (query: { now: number; lost: number | null; delete: number | null }) =>
        (
          await store.deviceMaintenance.dueAt({
            now: at(query.now),
            lostBefore: query.lost === null ? null : at(query.lost),
            deleteBefore: query.delete === null ? null : at(query.delete),
            limit: 100,
          })
        ).map((device) => device.name);

      assert.deepEqual(await names({ now: 60, lost: null, delete: null }), []);
      assert.deepEqual(await names({ now: 301, lost: null, delete: null }), ['ephemeral']);
      assert.deepEqual(
        (await names({ now: 16 * DAY_SEC, lost: 1 * DAY_SEC, delete: null })).sort(),
        ['ephemeral', 'own-long', 'quiet'],
        'a device heard from later is not lost; an own limit does not keep a device from being lost',
      );
      assert.deepEqual(
        (await names({ now: 16 * DAY_SEC, lost: null, delete: 1 * DAY_SEC })).sort(),
        ['ephemeral', 'quiet'],
        'the fleet threshold does not delete a device with its own limit',
      );
      assert.deepEqual((await names({ now: 40 * DAY_SEC + 60, lost: null, delete: null })).sort(), [
        'ephemeral',
        'own-long',
      ]);
      assert.ok(await store.deviceMaintenance.markLost(quiet.id, at(16 * DAY_SEC)));
      assert.equal(
        await store.deviceMaintenance.markLost(quiet.id, at(17 * DAY_SEC)),
        false,
        'flagged once',
      );
      assert.deepEqual(
        (await names({ now: 16 * DAY_SEC, lost: 1 * DAY_SEC, delete: null })).sort(),
        ['ephemeral', 'own-long'],
        'a lost device is not due again for the lost threshold',
      );
      const [due] = await store.deviceMaintenance.dueAt({
        now: at(400),
        lostBefore: null,
        deleteBefore: null,
        limit: 1,
      });
      assert.equal(due?.id, ephemeral.id);
      assert.equal(due.lastContactAt.getTime(), T0.getTime());
      assert.equal(due.maxOfflineMinutes, 5);
      assert.equal(due.isLost, false);
      assert.deepEqual(
        await store.deviceMaintenance.ownOfflineLimits(),
        new Map([
          [ownLong.id, 40 * 24 * 60],
          [ephemeral.id, 5],
        ]),
      );
    });

    it('clears the lost flag of devices heard from since, and the uninstalled mark on demand', async () => {
      const device = await addDevice(store, 'roamer');
      await store.deviceMaintenance.markLost(device.id, at(100));
      assert.deepEqual(await store.deviceMaintenance.clearReturned(), []);
      await store.deviceMaintenance.touch([device.id], at(200));
      assert.deepEqual(await store.deviceMaintenance.clearReturned(), [device.id]);
      assert.equal((await store.devices.find(device.id))?.lostAt, null);

      await store.deviceMaintenance.markUninstalled(device.id, at(300));
      assert.deepEqual(await store.deviceMaintenance.uninstalled(), [device.id]);
      assert.equal(
        (await store.devices.find(device.id))?.uninstalledAt?.getTime(),
        at(300).getTime(),
      );
      await store.deviceMaintenance.clearUninstalled([device.id]);
      assert.deepEqual(await store.deviceMaintenance.uninstalled(), []);
    });
  });
}

onEachEngine(defineDeviceMaintenanceContract);
