import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { onEachEngine } from '../../test/support/store-engines.js';
import type { OemTenantRecord, OemTokenRecord } from './oem-repository.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, at, T0 } from './test/fixtures.js';

const isConflict = (error: unknown) => error instanceof AppError && error.code === 'CONFLICT';

async function addTenant(store: Store, id: string, name: string): Promise<OemTenantRecord> {
  return store.oem.createTenant({
    id,
    name,
    groups: ['office', 'kiosks'],
    compatibility: 'standard',
    createdAt: T0,
    createdBy: 'admin',
  });
}

function token(tenantId: string, hash: string): OemTokenRecord {
  return {
    id: randomUUID(),
    tenantId,
    name: 'deploy',
    tokenHash: hash,
    permissions: ['createDeviceKey', 'requestControl'],
    createdAt: T0,
    createdBy: 'admin',
    revokedAt: null,
  };
}

function defineOemContract(engine: string, newDatabase: () => Promise<string>): void {
  describe(`Integration API store (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('round-trips tenants, refuses a second one with the same name, and updates groups', async () => {
      const acme = await addTenant(store, 't100', 'Acme');
      await addTenant(store, 't200', 'Beta');
      assert.deepEqual(await store.oem.findTenant('t100'), acme);
      await assert.rejects(addTenant(store, 't300', 'ACME'), isConflict);
      assert.deepEqual(
        (await store.oem.listTenants()).map((tenant) => tenant.id),
        ['t100', 't200'],
      );
      assert.equal(await store.oem.setTenantGroups('t100', ['servers']), true);
      assert.deepEqual((await store.oem.findTenant('t100'))?.groups, ['servers']);
      assert.equal(await store.oem.setTenantGroups('t999', ['x']), false);
      assert.equal(await store.oem.setTenantCompatibility('t100', 'seed-001'), true);
      assert.equal((await store.oem.findTenant('t100'))?.compatibility, 'seed-001');
      assert.equal((await store.oem.findTenant('t200'))?.compatibility, 'standard');
      assert.equal(await store.oem.setTenantCompatibility('t999', 'seed-001'), false);
    });

    it('finds tokens by hash and revokes them once', async () => {
      await addTenant(store, 't100', 'Acme');
      const created = await store.oem.createToken(token('t100', 'hash-1'));
      assert.deepEqual(await store.oem.findTokenByHash('hash-1'), created);
      assert.equal(await store.oem.findTokenByHash('hash-2'), undefined);
      assert.equal(await store.oem.revokeToken(created.id, at(10)), true);
      assert.equal(await store.oem.revokeToken(created.id, at(20)), false);
      assert.deepEqual((await store.oem.findToken(created.id))?.revokedAt, at(10));
      assert.equal((await store.oem.listTokens('t100')).length, 1);
    });

    it('gives each device one remote-control ID and never one of another device', async () => {
      const first = await addDevice(store, 'web-01');
      const second = await addDevice(store, 'web-02');
      const assign = (deviceId: string, remoteControlId: string) =>
        store.oem.assignRemoteControlId({ deviceId, remoteControlId, at: T0 });
      assert.equal(await assign(first.id, 'r111'), 'r111');
      assert.equal(await assign(first.id, 'r222'), 'r111', 'the first one stays');
      assert.equal(await assign(second.id, 'r111'), undefined, 'taken by another device');
      assert.equal(await store.oem.findDeviceIdByRemoteControlId('r111'), first.id);
      assert.equal(await store.oem.findRemoteControlId(second.id), undefined);
    });

    it('records device keys per tenant and forgets deleted ones', async () => {
      await addTenant(store, 't100', 'Acme');
      const device = await addDevice(store, 'web-01');
      const key = {
        deviceId: device.id,
        deviceKeyId: 'k1',
        tenantId: 't100',
        permissions: ['attended' as const],
        createdAt: T0,
        createdBy: 'token-1',
      };
      await store.oem.addDeviceKey(key);
      await assert.rejects(store.oem.addDeviceKey(key), isConflict);
      assert.deepEqual(await store.oem.findDeviceKey(device.id, 'k1'), key);
      assert.deepEqual(await store.oem.listDeviceKeys('t100'), [key]);
      assert.equal(await store.oem.markDeviceKeyDeleted(device.id, 'k1', at(5)), true);
      assert.equal(await store.oem.markDeviceKeyDeleted(device.id, 'k1', at(6)), false);
      assert.equal(await store.oem.findDeviceKey(device.id, 'k1'), undefined);
      assert.deepEqual(await store.oem.listDeviceKeys('t100'), []);
    });

    it('stores app registrations once per key hash', async () => {
      await addTenant(store, 't100', 'Acme');
      const registration = {
        keyId: randomUUID(),
        tenantId: 't100',
        signingKeySha256: 'ab'.repeat(32),
        createdAt: T0,
        createdBy: 'token-1',
      };
      await store.oem.addAppRegistration(registration);
      await assert.rejects(
        store.oem.addAppRegistration({ ...registration, keyId: randomUUID() }),
        isConflict,
      );
      assert.deepEqual(await store.oem.listAppRegistrations('t100'), [registration]);
    });
  });
}

onEachEngine(defineOemContract);
