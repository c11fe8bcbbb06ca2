import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { runSql } from '../../test/support/run-sql.js';
import { onEachEngine } from '../../test/support/store-engines.js';
import type {
  DeviceGroupDeleteResult,
  DeviceGroupRecord,
  GroupReferenceUse,
} from './device-group-repository.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, addInstaller, at, T0 } from './test/fixtures.js';

const isConflict = (error: unknown) => error instanceof AppError && error.code === 'CONFLICT';

function group(name: string, description = ''): DeviceGroupRecord {
  return { id: randomUUID(), name, description, createdAt: T0 };
}

async function addPolicyOn(store: Store, name: string, groups: string[]): Promise<string> {
  const id = randomUUID();
  await store.policies.create({
    id,
    name,
    description: '',
    settings: {},
    createdAt: T0,
    updatedAt: T0,
  });
  await store.policies.setAssignments(id, {
    assignments: groups.map((each) => ({ type: 'group', group: each })),
    updatedAt: T0,
  });
  return id;
}

async function addTenant(store: Store, name: string, groups: string[]): Promise<string> {
  const id = `t${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  await store.oem.createTenant({
    id,
    name,
    groups,
    compatibility: 'standard',
    createdAt: T0,
    createdBy: 'admin',
  });
  return id;
}

/** The groups a policy is assigned to, sorted in JS (engines collate differently). */
async function assignedGroups(store: Store, policyId: string): Promise<string[]> {
  const policy = await store.policies.find(policyId);
  return (policy?.assignments ?? [])
    .flatMap((target) => (target.type === 'group' ? [target.group] : []))
    .sort((a, b) => a.localeCompare(b));
}

/** What kept a deletion from happening; fails the test when it happened. */
function blockersOf(result: DeviceGroupDeleteResult | undefined): GroupReferenceUse[] {
  assert.ok(result && !result.deleted, 'the deletion was refused');
  return result.blockers;
}

const names = async (store: Store) => (await store.deviceGroups.list()).map((each) => each.name);

/** The device-group part of the store contract (issue 12), on one engine. */
function defineDeviceGroupContract(engine: Store['engine'], newDatabase: () => Promise<string>) {
  describe(`Device group store contract (${engine})`, () => {
    let store: Store;
    let url: string;
    beforeEach(async () => {
      url = await newDatabase();
      store = await openStore(url);
    });
    afterEach(() => store.close());

    it('a new database starts with the Default group; names are unique ignoring case', async () => {
      assert.deepEqual(await names(store), ['Default']);
      const servers = await store.deviceGroups.create(group('Servers', 'Racks'));
      assert.deepEqual(await store.deviceGroups.find(servers.id), servers);
      assert.deepEqual(await store.deviceGroups.findByName('SERVERS'), servers);
      await assert.rejects(store.deviceGroups.create(group('servers')), isConflict);
      await store.deviceGroups.create(group('kiosks'));
      assert.deepEqual(await names(store), ['Default', 'kiosks', 'Servers']);
    });

    it('lists each group with the number of its devices', async () => {
      await store.deviceGroups.create(group('office'));
      await store.deviceGroups.create(group('lab'));
      await addDevice(store, 'pc-1');
      await addDevice(store, 'pc-2');
      const counts = (await store.deviceGroups.list()).map((each) => [each.name, each.deviceCount]);
      assert.deepEqual(counts, [
        ['Default', 0],
        ['lab', 0],
        ['office', 2],
      ]);
    });

    it('a rename rewrites devices, installers, policy assignments and tenants in one go', async () => {
      const office = await store.deviceGroups.create(group('office'));
      const device = await addDevice(store, 'pc-1');
      const policy = await addPolicyOn(store, 'Office policy', ['office', 'lab']);
      const tenant = await addTenant(store, 'Acme', ['lab', 'office']);
      const renamed = await store.deviceGroups.update(office.id, {
        name: 'Paris office',
        description: 'Floor 2',
      });
      assert.deepEqual(renamed, { ...office, name: 'Paris office', description: 'Floor 2' });
      assert.equal((await store.devices.find(device.id))?.group, 'Paris office');
      assert.deepEqual(
        (await store.installers.list()).map((each) => each.group),
        ['Paris office'],
      );
      assert.deepEqual(await assignedGroups(store, policy), ['lab', 'Paris office']);
      assert.deepEqual((await store.oem.findTenant(tenant))?.groups, ['lab', 'Paris office']);
      const applied = await store.policies.forDevice({ id: device.id, group: 'Paris office' });
      assert.deepEqual(
        applied.map((each) => each.policy.name),
        ['Office policy'],
      );
    });

    it('a rename to a taken name changes nothing; a change of letter case is allowed', async () => {
      const office = await store.deviceGroups.create(group('office'));
      await store.deviceGroups.create(group('lab'));
      const device = await addDevice(store, 'pc-1');
      await assert.rejects(store.deviceGroups.update(office.id, { name: 'LAB' }), isConflict);
      assert.equal((await store.devices.find(device.id))?.group, 'office');
      assert.equal((await store.deviceGroups.find(office.id))?.name, 'office');
      await store.deviceGroups.update(office.id, { name: 'Office' });
      assert.equal((await store.devices.find(device.id))?.group, 'Office');
      assert.equal(await store.deviceGroups.update(randomUUID(), { name: 'x' }), undefined);
    });

    it('delete is refused while devices, active installers or tenants use the group', async () => {
      const office = await store.deviceGroups.create(group('office'));
      const device = await addDevice(store, 'pc-1');
      await addTenant(store, 'Acme', ['office']);
      const refused = blockersOf(
        await store.deviceGroups.delete(office.id, { now: at(10), removeAssignments: true }),
      );
      assert.deepEqual(
        refused.map((use) => [use.what, use.count, use.isRemovable]),
        [
          ['devices', 1, false],
          ['active installers', 1, false],
          ['integration tenants', 1, false],
        ],
      );
      assert.deepEqual(refused[0]?.examples, ['pc-1']);
      assert.ok(await store.deviceGroups.find(office.id), 'the group stays');

      await store.deviceGroups.create(group('lab'));
      assert.deepEqual(await store.deviceGroups.moveDevice(device.id, 'LAB'), {
        from: 'office',
        to: 'lab',
      });
      const tenants = await store.oem.listTenants();
      await store.oem.setTenantGroups(tenants[0]?.id ?? '', ['lab']);
      // The installer expired an hour after T0: it enrols nothing and blocks nothing.
      const deleted = await store.deviceGroups.delete(office.id, {
        now: at(3600),
        removeAssignments: false,
      });
      assert.deepEqual(deleted, { deleted: true, removed: [] });
      assert.equal(await store.deviceGroups.find(office.id), undefined);
    });

    it('policy assignments block a delete unless their removal is confirmed', async () => {
      const lab = await store.deviceGroups.create(group('lab'));
      const policy = await addPolicyOn(store, 'Lab policy', ['lab', 'Default']);
      const refused = blockersOf(
        await store.deviceGroups.delete(lab.id, { now: T0, removeAssignments: false }),
      );
      assert.deepEqual(
        refused.map((use) => [use.what, use.count, use.examples, use.isRemovable]),
        [['policy assignments', 1, ['Lab policy'], true]],
      );
      assert.equal((await store.policies.find(policy))?.assignments.length, 2);

      const deleted = await store.deviceGroups.delete(lab.id, { now: T0, removeAssignments: true });
      assert.equal(deleted?.deleted, true);
      assert.deepEqual((await store.policies.find(policy))?.assignments, [
        { type: 'group', group: 'Default' },
      ]);
      assert.equal(
        await store.deviceGroups.delete(lab.id, { now: T0, removeAssignments: true }),
        undefined,
      );
    });

    it('moving a device to a group that does not exist, or a device that does not, changes nothing', async () => {
      const device = await addDevice(store, 'pc-1');
      assert.equal(await store.deviceGroups.moveDevice(device.id, 'nowhere'), 'no_group');
      assert.equal(await store.deviceGroups.moveDevice(randomUUID(), 'Default'), 'no_device');
      assert.equal((await store.devices.find(device.id))?.group, 'office');
    });

    it('the migration makes a group of every name in use, one per name ignoring case', async () => {
      await addInstaller(store, { group: 'Servers' });
      await addDevice(store, 'pc-1', await addInstaller(store, { group: 'servers' }));
      const policy = await addPolicyOn(store, 'Both spellings', ['Servers', 'servers', 'Lab']);
      await addTenant(store, 'Acme', ['Kiosks', 'servers']);
      await store.close();
      await runSql(url, [
        'DROP TABLE device_groups',
        "DELETE FROM kysely_migration WHERE name = '0010_device_groups'",
      ]);
      store = await openStore(url);
      assert.deepEqual(await names(store), ['Kiosks', 'Lab', 'Servers']);
      assert.deepEqual(
        (await store.devices.list()).map((each) => each.group),
        ['Servers'],
      );
      assert.deepEqual(
        (await store.installers.list()).map((each) => each.group),
        ['Servers', 'Servers'],
      );
      assert.deepEqual(await assignedGroups(store, policy), ['Lab', 'Servers']);
      assert.deepEqual((await store.oem.listTenants())[0]?.groups, ['Kiosks', 'Servers']);
    });
  });
}

onEachEngine(defineDeviceGroupContract);
