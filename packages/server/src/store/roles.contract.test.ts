import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { RoleRecord } from './role-repository.js';
import type { Store } from './store.js';
import { addUser, at, T0 } from './test/fixtures.js';

function helpdesk(overrides: Partial<RoleRecord> = {}): RoleRecord {
  return {
    id: randomUUID(),
    name: 'Helpdesk',
    description: 'First line',
    permissions: ['console.use', 'devices.view', 'sessions.open'],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

const isConflict = (error: unknown) => error instanceof AppError && error.code === 'CONFLICT';

/** The custom-role part of the store contract (issue 12), on one engine. */
function defineRoleContract(engine: Store['engine'], newDatabase: () => Promise<string>): void {
  describe(`Role store contract (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('round-trips a role, lists roles by name, and keeps names unique in any letter case', async () => {
      const role = await store.roles.create(helpdesk());
      assert.deepEqual(await store.roles.find(role.id), role);
      await store.roles.create(helpdesk({ name: 'Auditors of Lyon' }));
      assert.deepEqual(
        (await store.roles.list()).map((listed) => listed.name),
        ['Auditors of Lyon', 'Helpdesk'],
      );
      await assert.rejects(store.roles.create(helpdesk({ name: 'HELPDESK' })), isConflict);
      assert.equal(await store.roles.find(randomUUID()), undefined);
    });

    it('changes only the fields given, and refuses a name another role has', async () => {
      const role = await store.roles.create(helpdesk());
      const other = await store.roles.create(helpdesk({ name: 'Night shift' }));
      const changed = await store.roles.update(role.id, {
        permissions: ['console.use', 'audit.read'],
        updatedAt: at(5),
      });
      assert.deepEqual(changed, {
        ...role,
        permissions: ['console.use', 'audit.read'],
        updatedAt: at(5),
      });
      const renamed = await store.roles.update(role.id, { name: 'Helpdesk L1', updatedAt: at(6) });
      assert.equal(renamed?.name, 'Helpdesk L1');
      assert.deepEqual(renamed.permissions, ['console.use', 'audit.read'], 'kept');
      await assert.rejects(
        store.roles.update(other.id, { name: 'helpdesk l1', updatedAt: at(7) }),
        isConflict,
      );
      assert.equal(await store.roles.update(randomUUID(), { updatedAt: at(8) }), undefined);
    });

    it('counts the users of each role and deletes a role only when nobody has it', async () => {
      const role = await store.roles.create(helpdesk());
      const jo = await addUser(store, 'jo');
      const kim = await addUser(store, 'kim');
      await store.users.update(jo.id, { role: role.id });
      await store.users.update(kim.id, { role: role.id });
      const counts = await store.roles.userCounts();
      assert.equal(counts.get(role.id), 2);
      assert.equal(counts.get('technician'), undefined, 'both left the technician role');

      assert.deepEqual(await store.roles.delete(role.id), { deleted: false, userCount: 2 });
      assert.notEqual(await store.roles.find(role.id), undefined, 'still there');
      await store.users.delete(jo.id, at(10));
      await store.users.update(kim.id, { role: 'technician' });
      assert.equal(
        (await store.roles.userCounts()).get(role.id),
        undefined,
        'deleted users do not count',
      );
      assert.deepEqual(await store.roles.delete(role.id), { deleted: true, userCount: 0 });
      assert.equal(await store.roles.find(role.id), undefined);
      assert.deepEqual(await store.roles.delete(role.id), { deleted: false, userCount: 0 });
    });
  });
}

onEachEngine(defineRoleContract);
