import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { DeviceRight } from '@tether/protocol';
import { openStore } from '../store/open-store.js';
import type { DeviceRecord, Store, UserRecord } from '../store/store.js';
import { addDevice, addInstaller, addUser } from '../store/test/fixtures.js';
import type { DeviceRights } from './device-rights.js';
import { authorizeAssignmentChange } from './policy-assignment-rights.js';

describe('authorizeAssignmentChange', () => {
  let dir: string;
  let store: Store;
  let user: UserRecord;
  let checked: string[];
  // Records what is asked; the decision itself is DeviceRights' (tested end to end).
  const rights: Pick<DeviceRights, 'authorize' | 'authorizeGroup'> = {
    authorize: (_user, device, right: DeviceRight) => {
      const record = device as DeviceRecord;
      checked.push(`device ${record.name} (${record.group}): ${right}`);
      return Promise.resolve(record);
    },
    authorizeGroup: (_user, group, right) => {
      checked.push(`group ${group}: ${right}`);
      return Promise.resolve();
    },
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-assignments-'));
    store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
    user = await addUser(store, 'jo');
    checked = [];
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('checks policies.manage on each group added or removed, and on the group of each device', async () => {
    const web = await addDevice(store, 'web-01', await addInstaller(store, { group: 'Servers' }));
    await authorizeAssignmentChange(
      { store, rights },
      {
        user,
        before: [
          { type: 'group', group: 'Kept' },
          { type: 'group', group: 'Removed' },
          { type: 'device', deviceId: randomUUID(), deviceName: null },
        ],
        after: [
          { type: 'group', group: 'Kept' },
          { type: 'group', group: 'Added' },
          { type: 'device', deviceId: web.id },
        ],
        context: {},
      },
    );
    assert.deepEqual(checked, [
      'group Removed: policies.manage',
      'group Added: policies.manage',
      'device web-01 (Servers): policies.manage',
    ]);
  });
});
