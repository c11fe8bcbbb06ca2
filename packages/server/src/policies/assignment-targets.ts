import { AppError, type PolicyTarget } from '@tether/protocol';
import type { DeviceRecord, Store } from '../store/store.js';

/**
 * Refuses assignments to targets that do not exist, so a typing mistake is not saved as a policy
 * that silently applies to nothing: a device ID nobody has, or a group that no device and no
 * installer uses. Only targets new to the policy are checked, so a policy whose group has since
 * emptied can still be saved with its other changes.
 *
 * @example
 * await refuseUnknownTargets(store, { devices, assignments, current: policy.assignments });
 */
export async function refuseUnknownTargets(
  store: Store,
  input: { devices: DeviceRecord[]; assignments: PolicyTarget[]; current: PolicyTarget[] },
): Promise<void> {
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
  if (addedGroups.length === 0) return;
  const groups = new Set([
    ...input.devices.map((device) => device.group),
    ...(await store.installers.list()).map((installer) => installer.group),
  ]);
  const unknownGroup = addedGroups.find((group) => !groups.has(group));
  if (unknownGroup !== undefined) {
    throw new AppError(
      'NOT_FOUND',
      `Cannot assign the policy: there is no device group "${unknownGroup}" (no device or installer uses it). Pick one from the list, or create an installer for the group first.`,
      { group: unknownGroup },
    );
  }
}
