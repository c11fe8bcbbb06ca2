import type { PolicyAssignment, PolicyTarget } from '@tether/protocol';
import type { Store, UserRecord } from '../store/store.js';
import type { AccessContext, DeviceRights } from './device-rights.js';

function keyOf(target: PolicyTarget | PolicyAssignment): string {
  return target.type === 'group' ? `group:${target.group}` : `device:${target.deviceId}`;
}

/**
 * A change of a policy's assignments needs `policies.manage` on every group it adds or removes
 * (for a device, on the device's group); assignments it keeps are not checked, so a user who
 * manages one group can edit a policy that also applies elsewhere without touching the rest.
 * A device that no longer exists has no group to check.
 */
export async function authorizeAssignmentChange(
  deps: { store: Store; rights: Pick<DeviceRights, 'authorize' | 'authorizeGroup'> },
  input: {
    user: UserRecord;
    before: readonly PolicyAssignment[];
    after: readonly PolicyTarget[];
    context: AccessContext;
  },
): Promise<void> {
  const { user, context } = input;
  const beforeKeys = new Set(input.before.map(keyOf));
  const afterKeys = new Set(input.after.map(keyOf));
  const changed = [
    ...input.before.filter((target) => !afterKeys.has(keyOf(target))),
    ...input.after.filter((target) => !beforeKeys.has(keyOf(target))),
  ];
  for (const target of changed) {
    if (target.type === 'group') {
      await deps.rights.authorizeGroup(user, target.group, 'policies.manage', context);
      continue;
    }
    const device = await deps.store.devices.find(target.deviceId);
    if (device) await deps.rights.authorize(user, device, 'policies.manage', context);
  }
}
