import {
  policyEndpoints,
  storageEndpoints,
  uploadEndpoints,
  type Policy,
  type StorageTestRequest,
  type StorageTestResult,
  type CreatePolicyRequest,
  type SetPolicyAssignmentsRequest,
  type UpdatePolicyRequest,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** The policy calls of the API client. Changing policies needs an administrator. */
export interface PolicyClient {
  listPolicies(): Promise<Policy[]>;
  getPolicy(policyId: string): Promise<Policy>;
  /** Rejects with `CONFLICT` when the name is taken, `INVALID_INPUT` naming the bad field. */
  createPolicy(request: CreatePolicyRequest): Promise<Policy>;
  /** Omit `settings.customStorage.credential` to keep the stored one. */
  updatePolicy(policyId: string, request: UpdatePolicyRequest): Promise<Policy>;
  deletePolicy(policyId: string): Promise<void>;
  /** Replaces where the policy applies; `CONFLICT` names the disagreeing policies and key. */
  setPolicyAssignments(policyId: string, request: SetPolicyAssignmentsRequest): Promise<Policy>;
  /**
   * Checks a custom storage setting from the server: host key, credential, login, write
   * permission. A refused host key's error carries `details.presentedHostKey`, to pin it.
   */
  testStorage(storage: StorageTestRequest): Promise<StorageTestResult>;
  /** Tries a pending or failed upload now instead of at its next attempt (administrators). */
  retryUpload(recordingId: string): Promise<void>;
}

/**
 * The policy calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const policy = await api.createPolicy({ name: 'Lab', settings: { recording: { terminal: 'off' } } });
 * await api.setPolicyAssignments(policy.id, { assignments: [{ type: 'group', group: 'Lab' }] });
 */
export function createPolicyClient(transport: HttpTransport): PolicyClient {
  return {
    listPolicies: async () => (await callEndpoint(transport, policyEndpoints.list, {})).policies,
    getPolicy: async (policyId) =>
      (await callEndpoint(transport, policyEndpoints.get, { params: { id: policyId } })).policy,
    retryUpload: async (recordingId) => {
      await callEndpoint(transport, uploadEndpoints.retry, { params: { recordingId } });
    },
    testStorage: (storage) => callEndpoint(transport, storageEndpoints.test, { body: storage }),
    createPolicy: async (request) =>
      (await callEndpoint(transport, policyEndpoints.create, { body: request })).policy,
    updatePolicy: async (policyId, request) =>
      (
        await callEndpoint(transport, policyEndpoints.update, {
          params: { id: policyId },
          body: request,
        })
      ).policy,
    deletePolicy: (policyId) =>
      callEndpoint(transport, policyEndpoints.remove, { params: { id: policyId } }),
    setPolicyAssignments: async (policyId, request) =>
      (
        await callEndpoint(transport, policyEndpoints.setAssignments, {
          params: { id: policyId },
          body: request,
        })
      ).policy,
  };
}
