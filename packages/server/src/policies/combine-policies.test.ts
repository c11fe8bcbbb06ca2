import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { PolicySettings } from '@tether/protocol';
import type { AppliedPolicy } from '../store/policy-repository.js';
import { combinePolicies } from './combine-policies.js';
import { DEFAULT_EFFECTIVE_POLICY } from './effective-policy.js';
import type { DescribeTarget } from './policy-conflicts.js';

const T0 = new Date('2024-05-06T07:08:09.123Z');
const device = { id: randomUUID(), group: 'Servers' };
const describeTarget: DescribeTarget = (target) =>
  target.type === 'group' ? `group "${target.group}"` : 'device "web-01"';
const storage = (url: string, credential = 'CMS-A') => ({
  url,
  authentication: 'password' as const,
  credential,
});

function applied(
  name: string,
  level: AppliedPolicy['level'],
  settings: PolicySettings,
): AppliedPolicy {
  return {
    level,
    policy: { id: randomUUID(), name, description: '', settings, createdAt: T0, updatedAt: T0 },
  };
}

const combine = (list: AppliedPolicy[]) =>
  combinePolicies(list, { device, describe: describeTarget });

describe('combinePolicies', () => {
  it('gives the defaults, all from no policy, when nothing applies', () => {
    const combined = combine([]);
    assert.deepEqual(combined.effective, DEFAULT_EFFECTIVE_POLICY);
    assert.ok(Object.values(combined.sources).every((source) => source === null));
    assert.deepEqual(combined.conflicts, []);
  });

  it('combines keys from several policies and levels, device level winning per key', () => {
    const groupOff = applied('No terminal recording', 'group', {
      recording: { terminal: 'off', files: 'off' },
    });
    const groupStorage = applied('Upload', 'group', {
      customStorage: storage('sftp://rec@files/in'),
    });
    const deviceOn = applied('Record web-01', 'device', { recording: { terminal: 'required' } });
    const combined = combine([groupOff, groupStorage, deviceOn]);

    assert.deepEqual(combined.effective.recording, {
      terminal: 'required',
      desktop: 'required',
      files: 'off',
    });
    assert.equal(combined.effective.customStorage?.url, 'sftp://rec@files/in');
    assert.equal(combined.effective.customStorage.credential, 'CMS-A');
    assert.deepEqual(combined.sources['recording.terminal'], {
      policyId: deviceOn.policy.id,
      policyName: 'Record web-01',
      level: 'device',
    });
    assert.equal(combined.sources['recording.files']?.policyName, 'No terminal recording');
    assert.equal(combined.sources['recording.desktop'], null);
    assert.equal(combined.sources.customStorage?.policyName, 'Upload');
    assert.deepEqual(
      combined.policies.map((policy) => `${policy.level}:${policy.name}`),
      ['device:Record web-01', 'group:No terminal recording', 'group:Upload'],
    );
    assert.deepEqual(combined.conflicts, []);
  });

  it('lets policies on one level agree without a conflict', () => {
    const combined = combine([
      applied('A', 'group', { recording: { terminal: 'off' } }),
      applied('B', 'group', { recording: { terminal: 'off', desktop: 'off' } }),
    ]);
    assert.deepEqual(combined.conflicts, []);
    assert.equal(combined.effective.recording.terminal, 'off');
    assert.equal(combined.sources['recording.terminal']?.policyName, 'A');
  });

  it('reports a same-level disagreement and falls back to the default for that key only', () => {
    const a = applied('A', 'group', { recording: { terminal: 'off', desktop: 'off' } });
    const b = applied('B', 'group', { recording: { terminal: 'required' } });
    const combined = combine([b, a]);
    assert.equal(combined.conflicts.length, 1);
    const [conflict] = combined.conflicts;
    assert.equal(conflict?.key, 'recording.terminal');
    assert.equal(conflict.level, 'group');
    assert.deepEqual(conflict.target, { type: 'group', group: 'Servers' });
    assert.deepEqual(
      conflict.policies.map((policy) => policy.name),
      ['A', 'B'],
    );
    assert.match(conflict.message, /"A" \(off\) and "B" \(required\)/);
    assert.match(conflict.message, /group "Servers"/);
    assert.equal(combined.effective.recording.terminal, 'required');
    assert.equal(combined.sources['recording.terminal'], null);
    assert.equal(combined.effective.recording.desktop, 'off');
  });

  it('treats the same storage sealed twice as a conflict and never shows the credential', () => {
    const combined = combine([
      applied('One', 'device', { customStorage: storage('sftp://rec@files/in', 'SECRET-ONE') }),
      applied('Two', 'device', { customStorage: storage('sftp://rec@files/in', 'SECRET-TWO') }),
      applied('Group', 'group', { customStorage: storage('sftp://rec@other/in') }),
    ]);
    assert.equal(combined.conflicts[0]?.key, 'customStorage');
    assert.equal(combined.conflicts[0].level, 'device');
    assert.doesNotMatch(JSON.stringify(combined.conflicts), /SECRET/);
    assert.equal(combined.effective.customStorage, null, 'a conflicting key takes its default');
  });
});
