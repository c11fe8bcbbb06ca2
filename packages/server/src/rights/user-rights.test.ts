import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROLE_PERMISSIONS } from '@tether/protocol';
import type { GrantRecord } from '../store/team-repository.js';
import { userRights } from './user-rights.js';

const grant = (group: string, rights: GrantRecord['rights']): GrantRecord => ({
  subjectKind: 'team',
  subjectId: 'team-a',
  group,
  rights,
});

describe('userRights', () => {
  it('is the union of the grants on the group and on all groups', () => {
    const rights = userRights({
      isAdministrator: false,
      permissions: ROLE_PERMISSIONS.technician,
      enforced: true,
      grants: [
        grant('Servers', ['device.view', 'terminal']),
        grant('Servers', ['files']),
        grant('*', ['recordings']),
      ],
    });
    assert.deepEqual(rights.on('Servers'), ['device.view', 'terminal', 'files', 'recordings']);
    assert.deepEqual(rights.on('Laptops'), ['recordings']);
    assert.equal(rights.has('Laptops', 'terminal'), false);
    assert.deepEqual(rights.groupsWith('terminal'), ['Servers']);
    assert.equal(rights.groupsWith('recordings'), 'all', 'granted on every group');
    assert.deepEqual(rights.groupsWith('unattended'), []);
  });

  it('never goes above the role: a technician granted policies.manage cannot manage policies', () => {
    const rights = userRights({
      isAdministrator: false,
      permissions: ROLE_PERMISSIONS.technician,
      enforced: true,
      grants: [grant('*', ['policies.manage', 'devices.manage', 'terminal'])],
    });
    assert.deepEqual(rights.on('Servers'), ['terminal']);
    assert.equal(rights.roleAllows('policies.manage'), false);
  });

  it('before any grant exists, every right the role allows on every group', () => {
    const rights = userRights({
      isAdministrator: false,
      permissions: ROLE_PERMISSIONS.privileged,
      enforced: false,
      grants: [],
    });
    assert.deepEqual(rights.on('Anything'), [
      'device.view',
      'terminal',
      'desktop.view',
      'desktop.control',
      'files',
      'unattended',
      'recordings',
      'devices.manage',
    ]);
  });

  it('administrators have every right on every group without grants', () => {
    const rights = userRights({
      isAdministrator: true,
      permissions: ROLE_PERMISSIONS.administrator,
      enforced: true,
      grants: [],
    });
    assert.equal(rights.on('Servers').length, 9);
  });
});
