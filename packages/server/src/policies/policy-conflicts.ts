import {
  AppError,
  POLICY_KEYS,
  type PolicyConflict,
  type PolicyKey,
  type PolicyTarget,
} from '@tether/protocol';
import type { PolicyChangeCheck, PolicyRecord } from '../store/policy-repository.js';
import { canonicalValue, displayValue } from './policy-keys.js';

/** Names a group or device in messages, e.g. `group "Servers"` or `device "web-01"`. */
export type DescribeTarget = (target: PolicyTarget) => string;

/**
 * The keys on which policies assigned to the same group (or the same device) disagree. Policies
 * that leave a key unset, or set it to the same value, do not conflict.
 *
 * @example
 * findConflicts(policiesOfGroup, { target: { type: 'group', group: 'Servers' }, describe });
 */
export function findConflicts(
  policies: readonly PolicyRecord[],
  scope: { target: PolicyTarget; describe: DescribeTarget },
): PolicyConflict[] {
  const conflicts: PolicyConflict[] = [];
  for (const key of POLICY_KEYS) {
    const setters = policies.filter((policy) => canonicalValue(key, policy.settings) !== undefined);
    const values = new Set(setters.map((policy) => canonicalValue(key, policy.settings)));
    if (values.size < 2) continue;
    conflicts.push({
      key,
      level: scope.target.type,
      target: scope.target,
      policies: setters.map(({ id, name }) => ({ id, name })),
      message: conflictMessage(key, setters, scope.describe(scope.target)),
    });
  }
  return conflicts;
}

function conflictMessage(key: PolicyKey, setters: PolicyRecord[], where: string): string {
  const named = setters.map((policy) => `"${policy.name}" (${displayValue(key, policy.settings)})`);
  const list = `${named.slice(0, -1).join(', ')} and ${named.at(-1) ?? ''}`;
  const what =
    key === 'customStorage'
      ? 'custom storage differently (URL, authentication or sealed credential)'
      : `${key} differently`;
  const all = setters.length === 2 ? 'both' : 'all';
  return (
    `Policies ${list} are ${all} assigned to ${where} and set ${what}. ` +
    'Give them the same value, remove the setting from one of them, or assign them to different groups or devices.'
  );
}

/** The CONFLICT error for one or more conflicts; details list every conflict. */
export function conflictError(conflicts: PolicyConflict[]): AppError {
  const [first] = conflicts;
  const more = conflicts.length > 1 ? ` (${conflicts.length - 1} more conflict(s) in details)` : '';
  return new AppError('CONFLICT', `${first?.message ?? 'Policies conflict.'}${more}`, {
    conflicts,
  });
}

/**
 * A check for `PolicyRepository.update` / `setAssignments` that refuses any change leaving two
 * disagreeing policies on one group or device.
 */
export function refuseConflicts(describe: DescribeTarget): PolicyChangeCheck {
  return (affected) => {
    const conflicts = affected.flatMap(({ target, policies }) =>
      findConflicts(policies, { target, describe }),
    );
    if (conflicts.length > 0) throw conflictError(conflicts);
  };
}
