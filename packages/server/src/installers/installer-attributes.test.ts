import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import type { InstallerRecord } from '../store/store.js';
import { applyOverrides, deviceFieldsOf, jumpGroupName } from './installer-attributes.js';

const installer: InstallerRecord = {
  id: 'b1',
  group: 'Servers',
  comment: 'Front desk',
  attributes: {
    name: null,
    tag: 'web',
    jumpPolicy: null,
    sessionPolicyPresent: null,
    sessionPolicyNotPresent: null,
    publicSiteAddress: null,
    connectionType: 'active',
    maxOfflineMinutes: null,
    mode: 'service',
    minimizeOnStart: false,
  },
  overridable: ['tag', 'maxOfflineMinutes'],
  createdAt: new Date(0),
  expiresAt: new Date(3_600_000),
  maxInstalls: null,
  installs: 0,
  revokedAt: null,
  createdBy: 'admin',
};

describe('installer attributes', () => {
  it('applies the overrides the installer allows and names the others', () => {
    const allowed = applyOverrides(installer, { tag: 'db', maxOfflineMinutes: 5 });
    assert.deepEqual(allowed.refused, []);
    assert.equal(allowed.attributes.tag, 'db');
    assert.equal(allowed.attributes.comments, 'Front desk');
    const refused = applyOverrides(installer, { tag: 'db', group: 'Lab', comments: undefined });
    assert.deepEqual(refused.refused, ['group'], 'an option not given is no override');
  });

  it('reads --jc-jump-group as a shared group and refuses a personal one', () => {
    assert.equal(jumpGroupName('jumpgroup:Servers'), 'Servers');
    assert.equal(jumpGroupName('Servers'), 'Servers');
    assert.throws(
      () => jumpGroupName('user:alice'),
      (error) => error instanceof AppError && error.code === 'INVALID_INPUT',
    );
  });

  it('gives the device its comments, tag as its tags, and its modes', () => {
    assert.deepEqual(deviceFieldsOf({ ...installer.attributes, group: 'S', comments: 'c' }), {
      comments: 'c',
      tags: ['web'],
      maxOfflineMinutes: null,
      connectionType: 'active',
      installMode: 'service',
    });
  });
});
