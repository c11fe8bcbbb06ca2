import { z } from 'zod';
import {
  CreatePolicyRequest,
  Policy,
  PolicyId,
  PolicyList,
  SetPolicyAssignmentsRequest,
  UpdatePolicyRequest,
} from '../api/policies.js';
import { endpoint } from './endpoint.js';

/**
 * The answer of every call that reads or changes one policy.
 *
 * @example
 * const { policy } = PolicyReply.parse(body);
 */
export const PolicyReply = z.object({ policy: Policy });
export type PolicyReply = z.infer<typeof PolicyReply>;

const policyParams = z.object({ id: PolicyId });
const access = { kind: 'user', permission: 'policies.manage' } as const;
/** Reading policies is apart from changing them: auditors read them. */
const view = { kind: 'user', permission: 'policies.view' } as const;

/**
 * Policies: recording, custom storage and assistance settings (modes, access windows)
 * assigned to device groups and devices. Administrators read and change them (auditors read them); a sealed
 * credential is shown as its digest only.
 *
 * @example
 * const { policy } = await callEndpoint(transport, policyEndpoints.setAssignments, {
 *   params: { id }, body: { assignments: [{ type: 'group', group: 'Servers' }] },
 * });
 */
export const policyEndpoints = {
  list: endpoint({
    id: 'policies.list',
    method: 'GET',
    path: '/api/v1/policies',
    summary: 'List policies',
    description: 'Ordered by name.',
    access: view,
    success: { status: 200, body: PolicyList },
    errors: [],
  }),
  create: endpoint({
    id: 'policies.create',
    method: 'POST',
    path: '/api/v1/policies',
    summary: 'Create a policy',
    description:
      'A custom storage credential is the sealed CMS message (`tether storage seal`); the answer shows only its SHA-256. `CONFLICT` when the name is taken.',
    access,
    subject: 'policy',
    body: CreatePolicyRequest,
    success: { status: 201, body: PolicyReply },
    errors: ['INVALID_INPUT', 'CONFLICT'],
  }),
  get: endpoint({
    id: 'policies.get',
    method: 'GET',
    path: '/api/v1/policies/:id',
    summary: 'Read a policy',
    access: view,
    subject: 'policy',
    params: policyParams,
    success: { status: 200, body: PolicyReply },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
  update: endpoint({
    id: 'policies.update',
    method: 'PUT',
    path: '/api/v1/policies/:id',
    summary: 'Replace the name, description and settings of a policy',
    description:
      'Omit `settings.customStorage.credential` to keep the stored one; omit `customStorage` to remove it. `CONFLICT` (with `details.conflicts`) when the new settings disagree with another policy on the same group or device.',
    access,
    subject: 'policy',
    params: policyParams,
    body: UpdatePolicyRequest,
    success: { status: 200, body: PolicyReply },
    errors: ['NOT_FOUND', 'INVALID_INPUT', 'CONFLICT'],
  }),
  remove: endpoint({
    id: 'policies.remove',
    method: 'DELETE',
    path: '/api/v1/policies/:id',
    summary: 'Delete a policy',
    description: 'Its groups and devices are then governed by the policies still assigned to them.',
    access,
    subject: 'policy',
    params: policyParams,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
  setAssignments: endpoint({
    id: 'policies.setAssignments',
    method: 'PUT',
    path: '/api/v1/policies/:id/assignments',
    summary: 'Choose the groups and devices a policy applies to',
    description:
      'The complete list, replacing the previous one. `NOT_FOUND` names an unknown device, `INVALID_INPUT` a device group that does not exist (create it with `POST /api/v1/device-groups`); `CONFLICT` (with `details.conflicts`) when two policies on one level would disagree.',
    access,
    subject: 'policy assignments',
    params: policyParams,
    body: SetPolicyAssignmentsRequest,
    success: { status: 200, body: PolicyReply },
    errors: ['NOT_FOUND', 'INVALID_INPUT', 'CONFLICT'],
  }),
};
