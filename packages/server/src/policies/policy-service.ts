import type {
  CreatePolicyRequest,
  EffectivePolicyView,
  Policy,
  SetPolicyAssignmentsRequest,
  UpdatePolicyRequest,
} from '@tether/protocol';
import { effectivePolicyOf, explainPolicyOf } from './device-policy.js';
import type { EffectivePolicy } from './effective-policy.js';
import {
  assignPolicy,
  createPolicy,
  getPolicy,
  listPolicies,
  removePolicy,
  updatePolicy,
  type PolicyActor,
  type PolicyEditorDeps,
} from './policy-editor.js';

export { DEFAULT_EFFECTIVE_POLICY, type EffectivePolicy } from './effective-policy.js';
export type { PolicyActor } from './policy-editor.js';

/**
 * Policies: named settings assigned to device groups and devices, combined per device.
 * Per key, a policy assigned to the device wins over one assigned to its group; an unset key
 * takes its default (DEFAULT_EFFECTIVE_POLICY). Two policies on one level that set a key
 * differently are refused when saved.
 */
export interface PolicyService {
  /** What applies to the device; the defaults for a device that does not exist. */
  effectiveFor(deviceId: string): Promise<EffectivePolicy>;
  /** The effective policy with each setting's source and any conflicts; NOT_FOUND without device. */
  explain(deviceId: string): Promise<EffectivePolicyView>;
  list(): Promise<Policy[]>;
  get(id: string): Promise<Policy>;
  create(request: CreatePolicyRequest, actor: PolicyActor): Promise<Policy>;
  /** CONFLICT when the new settings disagree with a policy on the same group or device. */
  update(id: string, request: UpdatePolicyRequest, actor: PolicyActor): Promise<Policy>;
  remove(id: string, actor: PolicyActor): Promise<void>;
  /** Replaces where the policy applies; CONFLICT like `update`. */
  setAssignments(
    id: string,
    request: SetPolicyAssignmentsRequest,
    actor: PolicyActor,
  ): Promise<Policy>;
}

/** What the policy service needs. */
export type PolicyServiceDeps = PolicyEditorDeps;

/**
 * Creates the policy service over the store.
 *
 * @example
 * const policies = createPolicyService({ store, clock, audit });
 * const { recording } = await policies.effectiveFor(deviceId);
 */
export function createPolicyService(deps: PolicyServiceDeps): PolicyService {
  const { store } = deps;
  return {
    effectiveFor: (deviceId) => effectivePolicyOf(store, deviceId),
    explain: (deviceId) => explainPolicyOf(store, deviceId),
    list: () => listPolicies(store),
    get: (id) => getPolicy(store, id),
    create: (request, actor) => createPolicy(deps, { request, actor }),
    update: (id, request, actor) => updatePolicy(deps, { id, request, actor }),
    remove: (id, actor) => removePolicy(deps, { id, actor }),
    setAssignments: (id, request, actor) => assignPolicy(deps, { id, request, actor }),
  };
}
