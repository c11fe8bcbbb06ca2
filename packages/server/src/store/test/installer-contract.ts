import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Store } from '../store.js';
import { addInstaller, at, inventory, T0 } from './fixtures.js';

/** Installer attributes, overrides and extensions in the store contract. */
export function defineInstallerAttributeContract(current: () => Store): void {
  describe('installer attributes', () => {
    it('round-trips attributes and the overridable list; older installers have the defaults', async () => {
      const store = current();
      const plain = await addInstaller(store);
      assert.equal(plain.attributes.connectionType, 'active');
      assert.deepEqual(plain.overridable, []);
      const attributes = {
        ...plain.attributes,
        name: 'kiosk',
        tag: 'web',
        jumpPolicy: 'Office hours',
        maxOfflineMinutes: 5,
        connectionType: 'passive' as const,
        mode: 'user' as const,
      };
      const made = await store.installers.create({
        id: randomUUID(),
        group: 'office',
        comment: 'front desk',
        attributes,
        overridable: ['tag', 'name'],
        createdAt: T0,
        expiresAt: at(600),
        maxInstalls: null,
        createdBy: 'admin',
      });
      assert.deepEqual(await store.installers.find(made.id), made);
      assert.deepEqual((await store.installers.find(made.id))?.attributes, attributes);
    });

    it('extends an installer, also an expired one, but never a revoked one', async () => {
      const store = current();
      const installer = await addInstaller(store, { expiresAt: at(10) });
      const extended = await store.installers.extend(installer.id, at(7200));
      assert.deepEqual(extended?.expiresAt, at(7200));
      assert.deepEqual((await store.installers.find(installer.id))?.expiresAt, at(7200));
      await store.installers.revoke(installer.id, at(20));
      assert.equal(await store.installers.extend(installer.id, at(9000)), undefined);
      assert.equal(await store.installers.extend(randomUUID(), at(9000)), undefined);
      assert.deepEqual((await store.installers.find(installer.id))?.expiresAt, at(7200));
    });

    it('enrols into the group and with the fields given, and round-trips them', async () => {
      const store = current();
      const installer = await addInstaller(store, { group: 'office' });
      const result = await store.devices.enroll({
        installerId: installer.id,
        now: at(1),
        group: 'lab',
        device: {
          id: randomUUID(),
          name: 'kiosk-1',
          publicKey: 'k'.repeat(43),
          inventory: inventory('pc-1'),
          enrolledAt: at(1),
          comments: 'hall',
          tags: ['web'],
          maxOfflineMinutes: 5,
          connectionType: 'passive',
          installMode: 'user',
        },
      });
      assert.ok(result.ok);
      assert.equal(result.device.group, 'lab');
      const found = await store.devices.find(result.device.id);
      assert.deepEqual(found, result.device);
      assert.ok(found);
      const { comments, tags, maxOfflineMinutes, connectionType, installMode } = found;
      assert.deepEqual(
        { comments, tags, maxOfflineMinutes, connectionType, installMode },
        {
          comments: 'hall',
          tags: ['web'],
          maxOfflineMinutes: 5,
          connectionType: 'passive',
          installMode: 'user',
        },
      );
    });
  });
}
