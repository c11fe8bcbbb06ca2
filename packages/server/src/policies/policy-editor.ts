import { randomUUID } from 'node:crypto';
import {
  AppError,
  type CreatePolicyRequest,
  type CustomStorage,
  type Policy,
  type SetPolicyAssignmentsRequest,
  type UpdatePolicyRequest,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { PolicyWithAssignments } from '../store/policy-repository.js';
import type { Store } from '../store/store.js';
import { refuseUnknownTargets } from './assignment-targets.js';
import { describeTargets } from './describe-target.js';
import { refuseConflicts } from './policy-conflicts.js';
import { mergeSettingsUpdate, normaliseSettings } from './policy-settings.js';
import { toPolicyView, toSettingsView } from './policy-view.js';

/** Who changes a policy, for the audit log. */
export interface PolicyActor {
  username: string;
  sourceAddress: string | null;
}

/** What the policy editing functions need. */
export interface PolicyEditorDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  /**
   * Refuses a custom storage setting that cannot work (e.g. a sealed private key with password
   * authentication), when that can be told at save time.
   */
  checkStorage?: (storage: CustomStorage) => Promise<void>;
}

type PolicyAction = 'policy.created' | 'policy.updated' | 'policy.deleted' | 'policy.assigned';

function notFound(): AppError {
  return new AppError(
    'NOT_FOUND',
    'There is no such policy. It may have been deleted; reload the list.',
  );
}

/**
 * The names of the devices these policies are assigned to, read one by one: a few devices
 * carry a policy of their own, while reading the whole fleet (20,000 devices) for them cost the
 * console's policy list a quarter of a second. A deleted device is left out (shown as gone).
 */
async function deviceNames(
  store: Store,
  policies: readonly PolicyWithAssignments[],
): Promise<Map<string, string>> {
  const ids = new Set(
    policies.flatMap((policy) =>
      policy.assignments.flatMap((target) => (target.type === 'device' ? [target.deviceId] : [])),
    ),
  );
  const devices = await Promise.all([...ids].map((id) => store.devices.find(id)));
  return new Map(
    devices.flatMap((device) => (device && !device.deletedAt ? [[device.id, device.name]] : [])),
  );
}

/** Audits a change; details hold settings views only, never the sealed credential. */
function recordChange(
  deps: PolicyEditorDeps,
  change: {
    action: PolicyAction;
    policy: PolicyWithAssignments;
    actor: PolicyActor;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  return deps.audit.record({
    action: change.action,
    actor: change.actor.username,
    target: change.policy.id,
    sourceAddress: change.actor.sourceAddress,
    details: { name: change.policy.name, ...change.details },
  });
}

/** Every policy, by name. */
export async function listPolicies(store: Store): Promise<Policy[]> {
  const policies = await store.policies.list();
  const names = await deviceNames(store, policies);
  return policies.map((policy) => toPolicyView(policy, names));
}

/** One policy; NOT_FOUND when it does not exist. */
export async function getPolicy(store: Store, id: string): Promise<Policy> {
  const policy = await store.policies.find(id);
  if (!policy) throw notFound();
  return toPolicyView(policy, await deviceNames(store, [policy]));
}

/** Creates an unassigned policy; CONFLICT when the name is taken. */
export async function createPolicy(
  deps: PolicyEditorDeps,
  input: { request: CreatePolicyRequest; actor: PolicyActor },
): Promise<Policy> {
  const settings = normaliseSettings(input.request.settings ?? {});
  if (settings.customStorage) await deps.checkStorage?.(settings.customStorage);
  const now = deps.clock.now();
  const policy = await deps.store.policies.create({
    id: randomUUID(),
    name: input.request.name,
    description: input.request.description ?? '',
    settings,
    createdAt: now,
    updatedAt: now,
  });
  const details = { settings: toSettingsView(policy.settings) };
  await recordChange(deps, { action: 'policy.created', policy, actor: input.actor, details });
  return toPolicyView(policy, new Map());
}

/**
 * Replaces a policy's name, description and settings (keeping the stored credential when the
 * request omits it). CONFLICT when it would disagree with a policy on one of its groups or devices.
 */
export async function updatePolicy(
  deps: PolicyEditorDeps,
  input: { id: string; request: UpdatePolicyRequest; actor: PolicyActor },
): Promise<Policy> {
  const { store } = deps;
  const existing = await store.policies.find(input.id);
  if (!existing) throw notFound();
  const { request } = input;
  const settings = mergeSettingsUpdate(request.settings ?? {}, existing.settings);
  if (settings.customStorage) await deps.checkStorage?.(settings.customStorage);
  const devices = await store.devices.list();
  const change = {
    name: request.name,
    description: request.description ?? '',
    settings,
    updatedAt: deps.clock.now(),
  };
  const policy = await store.policies.update(
    input.id,
    change,
    refuseConflicts(describeTargets(devices)),
  );
  if (!policy) throw notFound();
  const details = {
    ...(existing.name === policy.name ? {} : { previousName: existing.name }),
    settings: toSettingsView(policy.settings),
  };
  await recordChange(deps, { action: 'policy.updated', policy, actor: input.actor, details });
  return toPolicyView(policy, new Map(devices.map((device) => [device.id, device.name])));
}

/** Deletes a policy; it stops applying at once. NOT_FOUND when it does not exist. */
export async function removePolicy(
  deps: PolicyEditorDeps,
  input: { id: string; actor: PolicyActor },
): Promise<void> {
  const policy = await deps.store.policies.find(input.id);
  if (!policy || !(await deps.store.policies.delete(input.id))) throw notFound();
  await recordChange(deps, { action: 'policy.deleted', policy, actor: input.actor });
}

/**
 * Replaces where a policy applies. NOT_FOUND for an unknown device, INVALID_INPUT for a device
 * group that was never created; CONFLICT when two policies on one group or device would set a
 * key differently.
 */
export async function assignPolicy(
  deps: PolicyEditorDeps,
  input: { id: string; request: SetPolicyAssignmentsRequest; actor: PolicyActor },
): Promise<Policy> {
  const { store } = deps;
  const devices = await store.devices.list();
  const names = new Map(devices.map((device) => [device.id, device.name]));
  const current = await store.policies.find(input.id);
  if (!current) throw notFound();
  const assignments = await refuseUnknownTargets(store, {
    devices,
    assignments: input.request.assignments,
    current: current.assignments,
  });
  const policy = await store.policies.setAssignments(
    input.id,
    { assignments, updatedAt: deps.clock.now() },
    refuseConflicts(describeTargets(devices)),
  );
  if (!policy) throw notFound();
  const details = { assignments: policy.assignments };
  await recordChange(deps, { action: 'policy.assigned', policy, actor: input.actor, details });
  return toPolicyView(policy, names);
}
