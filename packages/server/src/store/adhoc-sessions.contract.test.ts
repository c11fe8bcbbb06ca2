import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, addInstaller, at, T0 } from './test/fixtures.js';

function session(installerId: string, codeHash: string, group = 'office') {
  return {
    id: randomUUID(),
    codeHash,
    installerId,
    group,
    createdBy: 'u1',
    createdByName: 'alice',
    createdAt: T0,
    expiresAt: at(900),
    allowInstalledAgent: true,
  };
}

function defineAdhocContract(engine: string, newDatabase: () => Promise<string>): void {
  describe(`Ad-hoc session store (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('refuses a second live code with the same hash, finds by code and by the one-time device', async () => {
      const installer = await addInstaller(store, { maxInstalls: 1 });
      const first = session(installer.id, 'hash-1');
      assert.equal(await store.adhocSessions.anyLive(), false);
      assert.equal(await store.adhocSessions.create(first), true);
      assert.equal(await store.adhocSessions.anyLive(), true);
      assert.equal(await store.adhocSessions.create(session(installer.id, 'hash-1')), false);
      assert.deepEqual(await store.adhocSessions.findByCodeHash('hash-1'), {
        ...first,
        deviceId: null,
        isInstalledAgent: false,
        endedAt: null,
      });
      // The one-time agent enrols with the code's installer: that is its device.
      const device = await addDevice(store, 'laptop', installer);
      const found = await store.adhocSessions.findLiveByDevice(device.id);
      assert.equal(found?.id, first.id);
      assert.equal(found.deviceId, device.id);
      assert.equal(found.isInstalledAgent, false);
      assert.equal(await store.adhocSessions.attach(first.id, device.id), true);
      assert.equal(await store.adhocSessions.end(first.id, at(60)), true);
      assert.equal(await store.adhocSessions.end(first.id, at(61)), false, 'ends once');
      assert.equal(await store.adhocSessions.findLiveByDevice(device.id), undefined);
      assert.equal(await store.adhocSessions.anyLive(), false, 'none live once it ended');
      assert.deepEqual((await store.adhocSessions.find(first.id))?.endedAt, at(60));
    });

    it('attaches an installed agent once, and lists newest first within the groups asked', async () => {
      const installed = await addDevice(store, 'desktop');
      const older = session((await addInstaller(store)).id, 'hash-a', 'office');
      const newer = {
        ...session((await addInstaller(store)).id, 'hash-b', 'lab'),
        createdAt: at(5),
      };
      await store.adhocSessions.create(older);
      await store.adhocSessions.create(newer);
      assert.equal(await store.adhocSessions.attach(older.id, installed.id), true);
      assert.equal(await store.adhocSessions.attach(older.id, installed.id), false, 'taken');
      const attached = await store.adhocSessions.findLiveByDevice(installed.id);
      assert.equal(attached?.id, older.id);
      assert.equal(attached.isInstalledAgent, true);
      const all = await store.adhocSessions.list({ limit: 10 });
      assert.deepEqual(
        all.map((each) => each.id),
        [newer.id, older.id],
      );
      const lab = await store.adhocSessions.list({ limit: 10, groups: ['lab'] });
      assert.deepEqual(
        lab.map((each) => each.id),
        [newer.id],
      );
      assert.deepEqual(await store.adhocSessions.list({ limit: 10, groups: [] }), []);
    });
  });
}

onEachEngine(defineAdhocContract);
