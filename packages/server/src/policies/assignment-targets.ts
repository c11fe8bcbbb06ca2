import { AppError, type PolicyTarget } from '@tether/protocol';
import { requireGroups } from '../groups/known-groups.js';
import type { DeviceRecord, Store } from '../store/store.js';

/**
 * Refuses assignments to targets that do not exist, so a typing mistake is not saved as a policy
 * that silently applies to nothing: a device ID nobody has (`NOT_FOUND`), or a device group that
 * was never created (`INVALID_INPUT`). Only targets new to the policy are checked. Returns the
 * assignments with each new group spelled as the group is (names match ignoring letter case).
 *
 * @example
 * const assignments = await refuseUnknownTargets(store, { devices, assignments, current });
 */
export async function refuseUnknownTargets(
  store: Store,
  input: { devices: DeviceRecord[]; assignments: PolicyTarget[]; current: PolicyTarget[] },
): Promise<PolicyTarget[]> {
  const isCurrent = (target: PolicyTarget): boolean =>
    input.current.some((known) =>
      known.type === 'group'
        ? target.type === 'group' && target.group === known.group
        : target.type === 'device' && target.deviceId === known.deviceId,
    );
  const added = input.assignments.filter((target) => !isCurrent(target));
  const deviceIds = new Set(input.devices.map((device) => device.id));
  const unknownDevice = added.find(
    (target) => target.type === 'device' && !deviceIds.has(target.deviceId),
  );
  if (unknownDevice?.type === 'device') {
    throw new AppError(
      'NOT_FOUND',
      `Cannot assign the policy: there is no device with ID ${unknownDevice.deviceId}. Pick a device from the list.`,
      { deviceId: unknownDevice.deviceId },
    );
  }
  const addedGroups = added.flatMap((target) => (target.type === 'group' ? [target.group] : []));
  // INVALID_INPUT naming the first unknown group; known ones as the groups spell them.
  const spelled = new Map(
    (await requireGroups(store, addedGroups)).map((name, index) => [addedGroups[index], name]),
  );
  return input.assignments.map((target) =>
    target.type === 'group'
      ? { ...target, group: spelled.get(target.group) ?? target.group }
      : target,
  );
}
