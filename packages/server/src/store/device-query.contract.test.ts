import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { runSql } from '../../test/support/run-sql.js';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { DeviceQuery, DeviceRecord, Store } from './store.js';
import { addInstaller, at, inventory, T0 } from './test/fixtures.js';

interface Seed {
  name: string;
  group: string;
  tags?: string[];
  comments?: string;
  hostname?: string;
  os?: string;
  version?: string;
  lastSeen?: number;
}

const SEEDS: Seed[] = [
  {
    name: 'alpha',
    group: 'Servers',
    tags: ['web', 'Prod'],
    comments: 'rack 4',
    lastSeen: 100,
    version: '1.2.0',
  },
  {
    name: 'Beta',
    group: 'Servers',
    tags: ['db'],
    os: 'Ubuntu 24.04',
    version: '1.10.0',
    lastSeen: 50,
  },
  {
    name: 'gamma',
    group: 'Office',
    comments: 'reception 50%_off',
    os: 'Windows 11',
    version: '1.2.0',
  },
  // A tag that holds `web` and a quote: a tag filter for `web` must not take it for one.
  { name: 'epsilon', group: 'Lab', tags: ['x","web', 'web-2'], hostname: 'db-host.example' },
  { name: 'deleted', group: 'Lab', tags: ['web'], hostname: 'gone.example' },
];

function defineDeviceQueryContract(engine: Store['engine'], newDatabase: () => Promise<string>) {
  describe(`device list query (${engine})`, () => {
    let store: Store;
    let url: string;
    const ids = new Map<string, string>();

    beforeEach(async () => {
      url = await newDatabase();
      store = await openStore(url);
      for (const seed of SEEDS) {
        const device = await enroll(store, seed);
        ids.set(seed.name, device.id);
      }
      await runSql(url, [
        `UPDATE devices SET lost_at = ${at(10).getTime()} WHERE name = 'Beta'`,
        `UPDATE devices SET deleted_at = ${at(20).getTime()} WHERE name = 'deleted'`,
      ]);
    });
    afterEach(() => store.close());

    const id = (name: string) => ids.get(name) ?? '';
    const names = async (query: Partial<DeviceQuery>) => {
      const page = await store.deviceQuery.query({
        sort: 'name',
        order: 'asc',
        limit: 100,
        offset: 0,
        ...query,
      });
      return { names: page.devices.map((device) => device.name), total: page.total };
    };

    it('lists every device but the deleted ones by name, ignoring case, with the total', async () => {
      assert.deepEqual(await names({}), { names: ['alpha', 'Beta', 'epsilon', 'gamma'], total: 4 });
    });

    it('searches name, hostname, tags and comments ignoring case, wildcards taken literally', async () => {
      assert.deepEqual((await names({ search: 'ALP' })).names, ['alpha']);
      assert.deepEqual((await names({ search: 'db-host' })).names, ['epsilon']);
      assert.deepEqual((await names({ search: 'prod' })).names, ['alpha']);
      assert.deepEqual((await names({ search: '50%_' })).names, ['gamma']);
      assert.deepEqual((await names({ search: 'r%4' })).names, []);
      assert.deepEqual(await names({ search: 'gone' }), { names: [], total: 0 });
    });

    it('filters by one whole tag ignoring case, never by part of another tag', async () => {
      assert.deepEqual((await names({ tag: 'web' })).names, ['alpha']);
      assert.deepEqual((await names({ tag: 'PROD' })).names, ['alpha']);
      assert.deepEqual((await names({ tag: 'x","web' })).names, ['epsilon']);
      assert.deepEqual((await names({ tag: 'we' })).names, []);
    });

    it('filters by group, operating system, version and lost, combined with AND', async () => {
      assert.deepEqual((await names({ group: 'Servers' })).names, ['alpha', 'Beta']);
      assert.deepEqual((await names({ os: 'Windows 11' })).names, ['gamma']);
      assert.deepEqual((await names({ version: '1.2.0' })).names, ['alpha', 'gamma']);
      assert.deepEqual((await names({ lost: true })).names, ['Beta']);
      assert.deepEqual((await names({ lost: false, group: 'Servers' })).names, ['alpha']);
      assert.deepEqual(await names({ group: 'Servers', os: 'Windows 11' }), {
        names: [],
        total: 0,
      });
    });

    it('keeps to the groups the user may see, and to the ids memory gives', async () => {
      assert.deepEqual((await names({ groups: ['Office', 'Lab'] })).names, ['epsilon', 'gamma']);
      assert.deepEqual(await names({ groups: [] }), { names: [], total: 0 });
      assert.deepEqual((await names({ onlyIds: [id('gamma'), id('deleted')] })).names, ['gamma']);
      assert.deepEqual((await names({ onlyIds: [] })).total, 0);
      assert.deepEqual((await names({ exceptIds: [id('alpha'), id('Beta')] })).names, [
        'epsilon',
        'gamma',
      ]);
    });

    it('sorts by group, operating system and version, ties by name from A to Z', async () => {
      assert.deepEqual((await names({ sort: 'group' })).names, [
        'epsilon',
        'gamma',
        'alpha',
        'Beta',
      ]);
      assert.deepEqual((await names({ sort: 'group', order: 'desc' })).names, [
        'alpha',
        'Beta',
        'gamma',
        'epsilon',
      ]);
      assert.deepEqual((await names({ sort: 'os' })).names, ['alpha', 'epsilon', 'Beta', 'gamma']);
      assert.deepEqual((await names({ sort: 'version', order: 'desc' })).names, [
        'alpha',
        'gamma',
        'Beta',
        'epsilon',
      ]);
    });

    it('sorts by last seen and by online with the online devices as seen now', async () => {
      const onlineIds = [id('gamma')];
      assert.deepEqual((await names({ sort: 'lastSeen', order: 'desc', onlineIds })).names, [
        'gamma',
        'alpha',
        'Beta',
        'epsilon',
      ]);
      assert.deepEqual((await names({ sort: 'lastSeen', onlineIds })).names, [
        'epsilon',
        'Beta',
        'alpha',
        'gamma',
      ]);
      assert.deepEqual((await names({ sort: 'online', order: 'desc', onlineIds })).names, [
        'gamma',
        'alpha',
        'Beta',
        'epsilon',
      ]);
      assert.deepEqual((await names({ sort: 'name', order: 'desc' })).names, [
        'gamma',
        'epsilon',
        'Beta',
        'alpha',
      ]);
      // Nobody online: every device ties, by name from A to Z.
      assert.deepEqual((await names({ sort: 'online', order: 'desc' })).names, [
        'alpha',
        'Beta',
        'epsilon',
        'gamma',
      ]);
      assert.deepEqual((await names({ sort: 'online' })).names, [
        'alpha',
        'Beta',
        'epsilon',
        'gamma',
      ]);
    });

    it('pages with limit and offset, every page with the same total', async () => {
      assert.deepEqual(await names({ limit: 3 }), {
        names: ['alpha', 'Beta', 'epsilon'],
        total: 4,
      });
      assert.deepEqual(await names({ limit: 3, offset: 3 }), { names: ['gamma'], total: 4 });
      assert.deepEqual(await names({ limit: 3, offset: 9 }), { names: [], total: 4 });
    });

    it('follows a new inventory: hostname, operating system and version', async () => {
      await store.devices.updateInventory(
        id('gamma'),
        {
          ...inventory('kiosk-7'),
          os: { ...inventory('x').os, name: 'Fedora 41' },
          agentVersion: '2.0.0',
        },
        at(200),
      );
      assert.deepEqual((await names({ search: 'kiosk' })).names, ['gamma']);
      assert.deepEqual((await names({ os: 'Fedora 41', version: '2.0.0' })).names, ['gamma']);
    });

    it('fills the new columns of devices enrolled before the migration', async () => {
      await store.close();
      await runSql(url, [
        'DROP INDEX devices_name_key',
        'DROP INDEX devices_group_name_key',
        'DROP INDEX devices_os_name_key',
        'DROP INDEX devices_agent_version_key',
        'DROP INDEX devices_lost_at',
        'ALTER TABLE devices DROP COLUMN hostname',
        'ALTER TABLE devices DROP COLUMN os_name',
        'ALTER TABLE devices DROP COLUMN agent_version',
        "DELETE FROM kysely_migration WHERE name = '0014_devlist'",
      ]);
      store = await openStore(url);
      assert.deepEqual((await names({ search: 'db-host' })).names, ['epsilon']);
      assert.deepEqual((await names({ os: 'Windows 11', version: '1.2.0' })).names, ['gamma']);
    });
  });
}

async function enroll(store: Store, seed: Seed): Promise<DeviceRecord> {
  const installer = await addInstaller(store, { group: seed.group });
  const base = inventory(seed.hostname ?? `${seed.name.toLowerCase()}.example`);
  const result = await store.devices.enroll({
    installerId: installer.id,
    now: T0,
    device: {
      id: randomUUID(),
      name: seed.name,
      publicKey: 'A'.repeat(43),
      inventory: {
        ...base,
        os: { ...base.os, name: seed.os ?? base.os.name },
        agentVersion: seed.version ?? '1.0.0',
      },
      enrolledAt: T0,
      tags: seed.tags ?? [],
      comments: seed.comments ?? '',
    },
  });
  if (!result.ok) throw new Error(`Enrolment of ${seed.name} was refused: ${result.reason}`);
  if (seed.lastSeen !== undefined)
    await store.devices.setLastSeen(result.device.id, at(seed.lastSeen));
  return result.device;
}

onEachEngine(defineDeviceQueryContract);
