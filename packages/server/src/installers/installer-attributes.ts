import {
  AppError,
  InstallerAttributeName,
  InstallerAttributes,
  type InstallOverrides,
} from '@tether/protocol';
import { requireGroups } from '../groups/known-groups.js';
import { conflictError, findConflicts } from '../policies/policy-conflicts.js';
import type { PolicyRecord } from '../store/policy-repository.js';
import type { DeviceInstallFields, InstallerRecord, Store } from '../store/store.js';

/** The attributes that name a policy assigned to each device an installer installs. */
export const POLICY_ATTRIBUTES = [
  'jumpPolicy',
  'sessionPolicyPresent',
  'sessionPolicyNotPresent',
] as const satisfies readonly InstallerAttributeName[];

/** Every attribute of an installer, its group and comments included. */
export function attributesOf(record: InstallerRecord): InstallerAttributes {
  return { ...record.attributes, group: record.group, comments: record.comment };
}

/**
 * A group as `--jc-jump-group` gives it: `jumpgroup:NAME` or a bare name is the shared group
 * NAME; `user:NAME` (a personal group) does not exist in Tether and is refused.
 *
 * @example
 * jumpGroupName('jumpgroup:Servers') // 'Servers'
 */
export function jumpGroupName(value: string): string {
  if (/^user:/i.test(value)) {
    throw new AppError(
      'INVALID_INPUT',
      `"${value}" names a personal group, which Tether does not have: give a shared device group as jumpgroup:NAME.`,
    );
  }
  return value.replace(/^jumpgroup:/i, '').trim();
}

/**
 * Checks what the attributes name: the group and the policies exist (spelled as stored, names
 * match ignoring case) and the policies agree on every setting they share, since all of them
 * are assigned to the same device. `INVALID_INPUT` for an unknown name, `CONFLICT` otherwise.
 */
export async function resolveAttributes(
  store: Store,
  attributes: InstallerAttributes,
): Promise<{ attributes: InstallerAttributes; policies: PolicyRecord[] }> {
  const [group = attributes.group] = await requireGroups(store, [jumpGroupName(attributes.group)]);
  const all = await store.policies.list();
  const resolved: InstallerAttributes = { ...attributes, group };
  const policies = new Map<string, PolicyRecord>();
  for (const key of POLICY_ATTRIBUTES) {
    const name = attributes[key];
    if (name === null) continue;
    const policy = all.find((each) => each.name.toLowerCase() === name.toLowerCase());
    if (!policy) {
      throw new AppError(
        'INVALID_INPUT',
        `There is no policy "${name}" (${key}). Create it first (console: Policies; API: POST /api/v1/policies), or pick an existing policy.`,
        { [key]: name },
      );
    }
    resolved[key] = policy.name;
    policies.set(policy.id, policy);
  }
  const conflicts = findConflicts([...policies.values()], {
    target: { type: 'group', group },
    describe: () => 'the devices of this installer',
  });
  if (conflicts.length > 0) throw conflictError(conflicts);
  return { attributes: resolved, policies: [...policies.values()] };
}

/**
 * The installer's attributes with the install-time overrides applied, and the overrides
 * it does not allow (then nothing may be written).
 */
export function applyOverrides(
  record: InstallerRecord,
  overrides: InstallOverrides,
): { attributes: InstallerAttributes; refused: InstallerAttributeName[] } {
  const given = definedEntries(overrides);
  const refused = InstallerAttributeName.options.filter(
    (name) => name in given && !record.overridable.includes(name),
  );
  // Parsed, not cast: the overrides were valid, so this only merges them.
  return { attributes: InstallerAttributes.parse({ ...attributesOf(record), ...given }), refused };
}

/** The object without its undefined values (optional keys not given). */
export function definedEntries(object: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/** What a device keeps of its attributes. */
export function deviceFieldsOf(attributes: InstallerAttributes): DeviceInstallFields {
  return {
    comments: attributes.comments,
    tags: attributes.tag === null ? [] : [attributes.tag],
    maxOfflineMinutes: attributes.maxOfflineMinutes,
    connectionType: attributes.connectionType,
    installMode: attributes.mode,
  };
}
