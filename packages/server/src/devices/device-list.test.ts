import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceListQuery, type UserPresenceReport } from '@tether/protocol';
import { userRights } from '../rights/user-rights.js';
import { deviceQueryFor } from './device-list.js';
import { DevicePresence } from './device-presence.js';

const ADMIN = userRights({
  isAdministrator: true,
  permissions: ['devices.view'],
  enforced: true,
  grants: [],
});

/** Presence with three online devices: one with a user at it, one locked, one with nobody. */
function presenceOf(): DevicePresence {
  const presence = new DevicePresence();
  const reports: Record<string, UserPresenceReport | undefined> = {
    present: { loggedIn: true, screenLocked: false, user: 'ada' },
    locked: { loggedIn: true, screenLocked: true, user: 'bob' },
    nobody: { loggedIn: false, screenLocked: false, user: null },
    silent: undefined,
  };
  for (const [deviceId, userPresence] of Object.entries(reports))
    presence.connect({
      deviceId,
      capabilities: [],
      userPresence,
      send: () => undefined,
      close: () => undefined,
    });
  return presence;
}

const storeQuery = (raw: Record<string, string>, presence = presenceOf()) =>
  deviceQueryFor({ query: DeviceListQuery.parse(raw), rights: ADMIN, presence });

describe('device list query from a request', () => {
  it('asks the store for the online devices by id, and for the offline ones as all but those', () => {
    assert.deepEqual(storeQuery({ online: 'true' }).onlyIds, [
      'present',
      'locked',
      'nobody',
      'silent',
    ]);
    assert.deepEqual(storeQuery({ online: 'false' }).exceptIds, [
      'present',
      'locked',
      'nobody',
      'silent',
    ]);
    assert.equal(storeQuery({}).onlyIds, undefined);
  });

  it('turns a presence filter into the ids whose agent reported it; offline and present is nobody', () => {
    assert.deepEqual(storeQuery({ presence: 'present' }).onlyIds, ['present']);
    assert.deepEqual(storeQuery({ presence: 'locked' }).onlyIds, ['locked']);
    assert.deepEqual(storeQuery({ presence: 'absent', online: 'true' }).onlyIds, ['nobody']);
    assert.deepEqual(storeQuery({ presence: 'present', online: 'false' }).onlyIds, []);
  });

  it('passes the online ids only to the sorts that need them', () => {
    assert.equal(storeQuery({ sort: 'name' }).onlineIds, undefined);
    assert.equal(storeQuery({ sort: 'lastSeen' }).onlineIds?.length, 4);
    assert.equal(storeQuery({ sort: 'online' }).onlineIds?.length, 4);
  });

  it("keeps a technician to the groups they may see; an administrator's query has no group list", () => {
    const tina = userRights({
      isAdministrator: false,
      permissions: ['devices.view'],
      enforced: true,
      grants: [{ subjectKind: 'team', subjectId: 't', group: 'Paris', rights: ['device.view'] }],
    });
    const query = deviceQueryFor({
      query: DeviceListQuery.parse({}),
      rights: tina,
      presence: presenceOf(),
    });
    assert.deepEqual(query.groups, ['Paris']);
    assert.equal(storeQuery({}).groups, undefined);
  });
});
