import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, at, T0 } from './test/fixtures.js';
import { runSql } from '../../test/support/run-sql.js';
import type { UnattendedAccessRecord } from './unattended-repository.js';

function access(id: string, deviceId: string, createdAt = T0) {
  return {
    id,
    deviceId,
    mode: 'unattended' as const,
    state: 'waiting' as const,
    passwordHash: 'scrypt$hash',
    createdAt,
    createdBy: 'alice',
    expiresAt: at(900),
  };
}

const ids = (accesses: UnattendedAccessRecord[]) => accesses.map((each) => each.id).sort();

function defineUnattendedContract(engine: string, newDatabase: () => Promise<string>): void {
  describe(`Unattended access store (${engine})`, () => {
    let store: Store;
    let url: string;
    beforeEach(async () => {
      url = await newDatabase();
      store = await openStore(url);
    });
    afterEach(() => store.close());

    it('keeps at most one live access per device and tells a taken ID from a busy device', async () => {
      const device = await addDevice(store, 'web-01');
      const other = await addDevice(store, 'web-02');
      assert.equal(await store.unattended.create(access('111111111', device.id)), 'created');
      assert.equal(await store.unattended.create(access('222222222', device.id)), 'device-busy');
      assert.equal(await store.unattended.create(access('111111111', other.id)), 'id-taken');
      assert.equal(await store.unattended.create(access('333333333', other.id)), 'created');
      assert.deepEqual(ids(await store.unattended.listLive()), ['111111111', '333333333']);
      assert.deepEqual(ids(await store.unattended.listLive(device.id)), ['111111111']);
    });

    it('revokes every live access of a device, and then a new one can be made', async () => {
      const device = await addDevice(store, 'web-01');
      await store.unattended.create(access('111111111', device.id));
      assert.equal(await store.unattended.connect('111111111', { userId: 'u1', at: at(5) }), true);
      const revoked = await store.unattended.revokeLive(device.id, at(10));
      assert.deepEqual(ids(revoked), ['111111111']);
      assert.deepEqual(await store.unattended.find('111111111'), {
        ...access('111111111', device.id),
        state: 'revoked',
        expiresAt: null,
        holderUserId: null,
        lastConnectedAt: at(5),
        endedAt: at(10),
      });
      assert.deepEqual(await store.unattended.revokeLive(device.id, at(11)), []);
      assert.equal(await store.unattended.create(access('222222222', device.id)), 'created');
    });

    it('an upgrade revokes all but the newest of the live accesses an older version left', async () => {
      const device = await addDevice(store, 'web-01');
      await store.close();
      await runSql(url, [
        'DROP INDEX unattended_access_one_live',
        "DELETE FROM kysely_migration WHERE name = '0007_unattended_one_live'",
        `INSERT INTO unattended_access (id, device_id, mode, state, password_hash, created_at, created_by, expires_at)
         VALUES ('111111111', '${device.id}', 'unattended', 'idle', 'h', 1000, 'alice', 9000000000000),
                ('222222222', '${device.id}', 'unattended', 'waiting', 'h', 2000, 'alice', 9000000000000)`,
      ]);
      store = await openStore(url);
      assert.deepEqual(ids(await store.unattended.listLive(device.id)), ['222222222']);
      assert.equal((await store.unattended.find('111111111'))?.state, 'revoked');
      assert.equal(await store.unattended.create(access('333333333', device.id)), 'device-busy');
    });
  });
}

onEachEngine(defineUnattendedContract);
