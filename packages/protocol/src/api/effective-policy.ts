import { z } from 'zod';
import { DeviceId } from '../ids.js';
import { AccessWindows, AssistanceModes, PresencePolicies } from './assistance.js';
import { CustomStorageView, PolicyId, PolicyTarget, RecordingMode } from './policies.js';

/**
 * Every setting a policy can hold, named by its path. Policies combine per key: for each key the
 * device level wins over the group level, and an unset key falls back to its default.
 *
 * @example
 * for (const key of POLICY_KEYS) console.log(key, view.sources[key]?.policyName ?? 'default');
 */
export const POLICY_KEYS = [
  'recording.terminal',
  'recording.desktop',
  'recording.files',
  'customStorage',
  'assistance.modes',
  'assistance.accessWindows',
  'assistance.presence',
  'sessions.concurrent',
] as const;

/** One setting of a policy. @example PolicyKey.parse('recording.terminal') */
export const PolicyKey = z.enum(POLICY_KEYS);
export type PolicyKey = z.infer<typeof PolicyKey>;

/** Where a policy is assigned: to the device itself (wins) or to the device's group. @example PolicyLevel.parse('device') */
export const PolicyLevel = z.enum(['device', 'group']);
export type PolicyLevel = z.infer<typeof PolicyLevel>;

/** The policy a setting came from. @example `${source.policyName} (${source.level})` */
export const PolicySource = z.object({
  policyId: PolicyId,
  policyName: z.string(),
  level: PolicyLevel,
});
export type PolicySource = z.infer<typeof PolicySource>;

/**
 * Two or more policies on the same level that set one key to different values. Saving such a
 * combination is refused; one can still show up (a device's group changed, say), and then the
 * key uses its default until an administrator resolves it.
 *
 * @example
 * view.conflicts.forEach((conflict) => showWarning(conflict.message));
 */
export const PolicyConflict = z.object({
  key: PolicyKey,
  level: PolicyLevel,
  /** The group or device both policies are assigned to. */
  target: PolicyTarget,
  policies: z.array(z.object({ id: PolicyId, name: z.string() })).min(2),
  /** A sentence that names the policies, the key and what to do. */
  message: z.string(),
});
export type PolicyConflict = z.infer<typeof PolicyConflict>;

/**
 * `GET /api/v1/devices/:id/effective-policy`: what applies to a device, which policy each
 * setting came from (`null`: the default), the policies that apply, and any conflicts.
 *
 * @example
 * const from = view.sources['recording.terminal']?.policyName ?? 'default';
 */
export const EffectivePolicyView = z.object({
  deviceId: DeviceId,
  group: z.string(),
  settings: z.object({
    recording: z.object({ terminal: RecordingMode, desktop: RecordingMode, files: RecordingMode }),
    customStorage: CustomStorageView.nullable(),
    /** The modes and rights in force (default: every mode, every right); windows null: always. */
    /** Presence policies null: the rights of the mode apply whoever is at the device. */
    assistance: z.object({
      modes: AssistanceModes,
      accessWindows: AccessWindows.nullable(),
      presence: PresencePolicies.nullable(),
    }),
    /** Whether several technicians may be in session with the device at once. */
    sessions: z.object({ concurrent: z.boolean() }).optional(),
  }),
  sources: z.record(PolicyKey, PolicySource.nullable()),
  policies: z.array(z.object({ id: PolicyId, name: z.string(), level: PolicyLevel })),
  conflicts: z.array(PolicyConflict),
});
export type EffectivePolicyView = z.infer<typeof EffectivePolicyView>;
