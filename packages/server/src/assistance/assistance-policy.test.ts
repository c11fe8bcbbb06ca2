import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { AccessWindows, type PolicySettings } from '@tether/protocol';
import { combinePolicies } from '../policies/combine-policies.js';
import type { DescribeTarget } from '../policies/policy-conflicts.js';
import type { AppliedPolicy } from '../store/policy-repository.js';

const T0 = new Date('2026-03-30T10:00:00Z');
const device = { id: randomUUID(), group: 'Servers' };
const describe: DescribeTarget = (target) =>
  target.type === 'group' ? `group "${target.group}"` : 'device "web-01"';

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

const office = AccessWindows.parse({
  timeZone: 'Europe/Paris',
  windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '18:00' }],
});

test('assistance modes, windows and presence policies combine per key, the device level winning', () => {
  const presence = { useScreenState: true, present: ['view' as const], absent: [] };
  const group = applied('Dynamic servers', 'group', {
    assistance: { modes: { dynamic: ['view'] }, accessWindows: office, presence },
  });
  const deviceLevel = applied('Ask on this one', 'device', {
    assistance: { modes: { interactive: ['view', 'terminal'] } },
  });
  const { effective, sources, conflicts } = combinePolicies([group, deviceLevel], {
    device,
    describe,
  });
  assert.deepEqual(effective.assistance, {
    modes: { interactive: ['view', 'terminal'] },
    accessWindows: office,
    presence,
  });
  assert.equal(sources['assistance.modes']?.policyName, 'Ask on this one');
  assert.equal(sources['assistance.presence']?.policyName, 'Dynamic servers');
  assert.equal(sources['assistance.accessWindows']?.policyName, 'Dynamic servers');
  assert.deepEqual(conflicts, []);
});

test('two group policies with different modes conflict, and the default (no modes) applies', () => {
  const { effective, conflicts } = combinePolicies(
    [
      applied('Dynamic', 'group', { assistance: { modes: { dynamic: ['view'] } } }),
      applied('Unattended', 'group', { assistance: { modes: { unattended: ['view'] } } }),
    ],
    { device, describe },
  );
  assert.equal(effective.assistance.modes, null);
  const [conflict, ...others] = conflicts;
  assert.ok(conflict);
  assert.equal(others.length, 0);
  assert.equal(conflict.key, 'assistance.modes');
  assert.match(conflict.message, /Dynamic/);
  assert.match(conflict.message, /Unattended/);
});
