import { AppError, type EffectivePolicyView } from '@tether/protocol';
import type { Store } from '../store/store.js';
import { ALL_MODES_ALL_RIGHTS } from '../assistance/admit-session.js';
import { combinePolicies } from './combine-policies.js';
import { describeTargets } from './describe-target.js';
import { DEFAULT_EFFECTIVE_POLICY, type EffectivePolicy } from './effective-policy.js';
import { toCustomStorageView } from './policy-view.js';

/**
 * What applies to a device (with the sealed credential, for the upload code); the defaults
 * for a device that does not exist.
 *
 * @example
 * const { recording } = await effectivePolicyOf(store, deviceId);
 */
export async function effectivePolicyOf(store: Store, deviceId: string): Promise<EffectivePolicy> {
  const device = await store.devices.find(deviceId);
  if (!device) {
    return {
      ...DEFAULT_EFFECTIVE_POLICY,
      recording: { ...DEFAULT_EFFECTIVE_POLICY.recording },
      assistance: { ...DEFAULT_EFFECTIVE_POLICY.assistance },
      sessions: { ...DEFAULT_EFFECTIVE_POLICY.sessions },
    };
  }
  const applied = await store.policies.forDevice(device);
  return combinePolicies(applied, { device, describe: describeTargets([device]) }).effective;
}

/**
 * The effective policy as the API shows it: values without the credential, the source of each
 * setting, the policies that apply, and conflicts. NOT_FOUND when there is no such device.
 *
 * @example
 * const view = await explainPolicyOf(store, deviceId);
 */
export async function explainPolicyOf(
  store: Store,
  deviceId: string,
): Promise<EffectivePolicyView> {
  const device = await store.devices.find(deviceId);
  if (!device)
    throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
  const combined = combinePolicies(await store.policies.forDevice(device), {
    device,
    describe: describeTargets([device]),
  });
  const { recording, customStorage, assistance, sessions } = combined.effective;
  return {
    deviceId: device.id,
    group: device.group,
    settings: {
      recording: { ...recording },
      customStorage: customStorage && toCustomStorageView(customStorage),
      assistance: {
        modes: assistance.modes ?? ALL_MODES_ALL_RIGHTS,
        accessWindows: assistance.accessWindows,
        presence: assistance.presence,
      },
      sessions: { ...sessions },
    },
    sources: combined.sources,
    policies: combined.policies,
    conflicts: combined.conflicts,
  };
}
