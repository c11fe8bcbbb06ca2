import type { CustomStorage, RecordingMode, SessionKind } from '@tether/protocol';

/** What applies to one device once all its policies are combined. */
export interface EffectivePolicy {
  recording: Record<SessionKind, RecordingMode>;
  customStorage: CustomStorage | null;
}

/** Every session is recorded, nothing is uploaded: what applies without any policy. */
export const DEFAULT_EFFECTIVE_POLICY: EffectivePolicy = {
  recording: { terminal: 'required', desktop: 'required', files: 'required' },
  customStorage: null,
};

/** Policies: named settings assigned to device groups and devices, combined per device. */
export interface PolicyService {
  effectiveFor(deviceId: string): Promise<EffectivePolicy>;
}

/** Until policies are stored, every device gets the defaults. */
export function createPolicyService(): PolicyService {
  return { effectiveFor: () => Promise.resolve(DEFAULT_EFFECTIVE_POLICY) };
}
