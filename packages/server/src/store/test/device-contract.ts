import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import type { Store } from '../store.js';
import { addDevice, addGroup, addInstaller, at, inventory, T0 } from './fixtures.js';

/** The devices part of the store contract (see store.contract.test.ts). */
export function defineDeviceContract(current: () => Store): void {
  describe('devices', () => {
    const enroll = (installerId: string, now: Date, name = 'web-01') =>
      current().devices.enroll({
        installerId,
        now,
        device: {
          id: randomUUID(),
          name,
          publicKey: 'k'.repeat(43),
          inventory: inventory(name),
          enrolledAt: now,
        },
      });

    it('enrols a device into the installer group and counts the install', async () => {
      const store = current();
      const installer = await addInstaller(store, { group: 'lab', maxInstalls: 2 });
      const result = await enroll(installer.id, at(1));
      assert.equal(result.ok, true);
      assert.ok(result.ok);
      assert.equal(result.device.group, 'lab');
      assert.equal(result.device.installerId, installer.id);
      assert.deepEqual(await store.devices.find(result.device.id), result.device);
      assert.equal((await store.installers.find(installer.id))?.installs, 1);
    });

    it('refuses unknown, revoked, expired and used-up installers without writing anything', async () => {
      const store = current();
      const revoked = await addInstaller(store);
      await store.installers.revoke(revoked.id, at(1));
      const expiring = await addInstaller(store, { expiresAt: at(10) });
      const single = await addInstaller(store, { maxInstalls: 1 });
      assert.ok((await enroll(single.id, at(1))).ok);
      const devicesBefore = await store.devices.list();

      assert.deepEqual(await enroll(randomUUID(), at(2)), { ok: false, reason: 'not_found' });
      assert.deepEqual(await enroll(revoked.id, at(2)), { ok: false, reason: 'revoked' });
      assert.deepEqual(await enroll(expiring.id, at(10)), { ok: false, reason: 'expired' });
      assert.deepEqual(await enroll(single.id, at(2)), { ok: false, reason: 'exhausted' });

      assert.deepEqual(await store.devices.list(), devicesBefore);
      for (const installer of [revoked, expiring, single]) {
        const stored = await store.installers.find(installer.id);
        assert.equal(stored?.installs, installer.id === single.id ? 1 : 0);
      }
    });

    it('lets exactly maxInstalls of many concurrent enrolments through', async () => {
      const store = current();
      const installer = await addInstaller(store, { maxInstalls: 3 });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => enroll(installer.id, at(1), `pc-${i}`)),
      );
      assert.equal(results.filter((result) => result.ok).length, 3);
      assert.equal((await store.devices.list()).length, 3);
      assert.equal((await store.installers.find(installer.id))?.installs, 3);
    });

    it('rolls the install count back when the device cannot be created', async () => {
      const store = current();
      const installer = await addInstaller(store);
      const first = await addDevice(store, 'web-01', installer);
      const duplicate = store.devices.enroll({
        installerId: installer.id,
        now: T0,
        device: {
          id: first.id,
          name: 'again',
          publicKey: 'k',
          inventory: inventory('again'),
          enrolledAt: T0,
        },
      });
      await assert.rejects(
        duplicate,
        (error) => error instanceof AppError && error.code === 'CONFLICT',
      );
      assert.equal((await store.installers.find(installer.id))?.installs, 1);
    });

    it('lists by name and round-trips inventory, statistics and times', async () => {
      const store = current();
      const web = await addDevice(store, 'web-01');
      await addDevice(store, 'db-01');
      assert.deepEqual(
        (await store.devices.list()).map((device) => device.name),
        ['db-01', 'web-01'],
      );
      const updated = { ...inventory('web-01.example'), agentVersion: '0.2.0' };
      await store.devices.updateInventory(web.id, updated, at(1));
      const stats = {
        cpuPercent: 12.5,
        memory: { totalBytes: 8_000_000_000, usedBytes: 1_234_567_890 },
        disks: [{ mount: '/', totalBytes: 100, usedBytes: 50 }],
        uptimeSec: 86_400.25,
        consoleUser: null,
      };
      await store.devices.updateStats(web.id, stats, at(2));
      await store.devices.setLastSeen(web.id, at(3));
      const found = await store.devices.find(web.id);
      assert.deepEqual(found, {
        ...web,
        inventory: updated,
        stats,
        statsAt: at(2),
        lastSeenAt: at(3),
      });
    });

    it('finds devices asked for together (one statement), deleted ones too, none for unknown ids', async () => {
      const store = current();
      const [web, db, gone] = [
        await addDevice(store, 'web-01'),
        await addDevice(store, 'db-01'),
        await addDevice(store, 'old-01'),
      ];
      await store.devices.markDeleted(gone.id, at(5));
      const alone = await store.devices.find(web.id);
      const found = await Promise.all(
        [db.id, randomUUID(), gone.id, web.id, db.id].map((id) => store.devices.find(id)),
      );
      assert.deepEqual(
        found.map((device) => device?.name),
        ['db-01', undefined, 'old-01', 'web-01', 'db-01'],
      );
      assert.deepEqual(found[3], alone);
      assert.deepEqual(found[2]?.deletedAt, at(5));
    });

    it('devices seen together are stamped in one go with the latest of their moments', async () => {
      const store = current();
      const [web, db] = [await addDevice(store, 'web-01'), await addDevice(store, 'db-01')];
      await store.devices.setLastSeen(web.id, at(3));
      assert.deepEqual((await store.devices.find(web.id))?.lastSeenAt, at(3), 'alone: exact');
      await Promise.all([
        store.devices.setLastSeen(web.id, at(7)),
        store.devices.setLastSeen(db.id, at(8)),
      ]);
      assert.deepEqual((await store.devices.find(web.id))?.lastSeenAt, at(8));
      assert.deepEqual((await store.devices.find(db.id))?.lastSeenAt, at(8));
    });

    it('renames and retags a device, and a deleted one is a tombstone: found, never listed, unchanged, in no group', async () => {
      const store = current();
      const group = await addGroup(store, 'office');
      const web = await addDevice(store, 'web-01');
      const changed = await store.devices.update(web.id, {
        name: 'Front desk',
        tags: ['lobby', 'kiosk'],
        comments: 'by the door',
      });
      assert.deepEqual(changed, {
        ...web,
        name: 'Front desk',
        tags: ['lobby', 'kiosk'],
        comments: 'by the door',
      });
      assert.equal(await store.devices.markDeleted(web.id, at(5)), true);
      assert.equal(await store.devices.markDeleted(web.id, at(6)), false, 'deleted once');
      assert.deepEqual((await store.devices.find(web.id))?.deletedAt, at(5));
      assert.deepEqual(await store.devices.list(), []);
      assert.equal(await store.devices.update(web.id, { name: 'Back' }), undefined);
      assert.equal((await store.devices.find(web.id))?.name, 'Front desk');
      assert.equal(await store.devices.markDeleted(randomUUID(), at(7)), false);
      const groups = await store.deviceGroups.list();
      assert.equal(groups.find((each) => each.id === group.id)?.deviceCount, 0);
      assert.equal(await store.deviceGroups.moveDevice(web.id, 'office'), 'no_device');
    });
  });
}
