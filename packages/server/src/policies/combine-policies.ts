import {
  POLICY_KEYS,
  type PolicyConflict,
  type PolicyKey,
  type PolicyLevel,
  type PolicySource,
  type PolicyTarget,
  type SessionKind,
} from '@tether/protocol';
import type { AppliedPolicy, PolicyRecord } from '../store/policy-repository.js';
import { findConflicts, type DescribeTarget } from './policy-conflicts.js';
import { isAssistanceKey, readPolicyKey, type AssistanceKey } from './policy-keys.js';
import { DEFAULT_EFFECTIVE_POLICY, type EffectivePolicy } from './effective-policy.js';

/** The outcome of combining the policies of one device, with where each setting came from. */
export interface CombinedPolicy {
  effective: EffectivePolicy;
  /** Per key, the policy it came from; null when the default applies. */
  sources: Record<PolicyKey, PolicySource | null>;
  /** Device level first, then group level; each by name. */
  policies: { id: string; name: string; level: PolicyLevel }[];
  conflicts: PolicyConflict[];
}

const LEVELS: readonly PolicyLevel[] = ['device', 'group'];

/**
 * Combines the policies that apply to one device. Per key: a value set at device level
 * wins over the group level; an unset key takes its default. Two policies on the same level
 * that disagree are a conflict: the key takes its default (recording `required`, no custom
 * storage) until an administrator resolves it, and the conflict is reported.
 *
 * @example
 * const { effective, sources } = combinePolicies(applied, { device, describe });
 */
export function combinePolicies(
  applied: readonly AppliedPolicy[],
  scope: { device: { id: string; group: string }; describe: DescribeTarget },
): CombinedPolicy {
  const atLevel = (level: PolicyLevel): PolicyRecord[] =>
    applied
      .filter((entry) => entry.level === level)
      .map((entry) => entry.policy)
      .sort((a, b) => a.name.localeCompare(b.name));
  const levels = LEVELS.map((level) => {
    const target: PolicyTarget =
      level === 'device'
        ? { type: 'device', deviceId: scope.device.id }
        : { type: 'group', group: scope.device.group };
    const policies = atLevel(level);
    return {
      level,
      policies,
      conflicts: findConflicts(policies, { target, describe: scope.describe }),
    };
  });

  const effective: EffectivePolicy = {
    recording: { ...DEFAULT_EFFECTIVE_POLICY.recording },
    customStorage: DEFAULT_EFFECTIVE_POLICY.customStorage,
    assistance: { ...DEFAULT_EFFECTIVE_POLICY.assistance },
    sessions: { ...DEFAULT_EFFECTIVE_POLICY.sessions },
  };
  const sources: Record<PolicyKey, PolicySource | null> = {
    'recording.terminal': null,
    'recording.desktop': null,
    'recording.files': null,
    customStorage: null,
    'assistance.modes': null,
    'assistance.accessWindows': null,
    'assistance.presence': null,
    'sessions.concurrent': null,
  };
  for (const key of POLICY_KEYS) {
    for (const { level, policies, conflicts } of levels) {
      if (conflicts.some((conflict) => conflict.key === key)) break;
      const setter = policies.find((policy) => readPolicyKey[key](policy.settings) !== undefined);
      if (!setter) continue;
      assign(effective, key, setter);
      sources[key] = { policyId: setter.id, policyName: setter.name, level };
      break;
    }
  }
  return {
    effective,
    sources,
    policies: levels.flatMap(({ level, policies }) =>
      policies.map(({ id, name }) => ({ id, name, level })),
    ),
    conflicts: levels.flatMap((entry) => entry.conflicts),
  };
}

function assign(effective: EffectivePolicy, key: PolicyKey, policy: PolicyRecord): void {
  if (key === 'customStorage') {
    effective.customStorage = readPolicyKey.customStorage(policy.settings) ?? null;
    return;
  }
  if (isAssistanceKey(key)) {
    assignAssistance(effective.assistance, key, policy);
    return;
  }
  if (key === 'sessions.concurrent') {
    effective.sessions.concurrent = readPolicyKey[key](policy.settings) ?? false;
    return;
  }
  const mode = readPolicyKey[key](policy.settings);
  if (mode !== undefined) effective.recording[RECORDING_KIND[key]] = mode;
}

function assignAssistance(
  assistance: EffectivePolicy['assistance'],
  key: AssistanceKey,
  policy: PolicyRecord,
): void {
  const settings = policy.settings;
  if (key === 'assistance.modes') assistance.modes = readPolicyKey[key](settings) ?? null;
  else if (key === 'assistance.accessWindows')
    assistance.accessWindows = readPolicyKey[key](settings) ?? null;
  else assistance.presence = readPolicyKey[key](settings) ?? null;
}

const RECORDING_KIND = {
  'recording.terminal': 'terminal',
  'recording.desktop': 'desktop',
  'recording.files': 'files',
} as const satisfies Record<
  Exclude<PolicyKey, 'customStorage' | 'sessions.concurrent' | AssistanceKey>,
  SessionKind
>;
