import {
  Policy,
  PolicyList,
  StorageTestResult,
  UploadQueueEntry,
  type StorageTestRequest,
  type CreatePolicyRequest,
  type SetPolicyAssignmentsRequest,
  type UpdatePolicyRequest,
} from '@tether/protocol';
import { z } from 'zod';
import { requestJson, requestVoid, wrapped, type HttpTransport } from './http-request.js';

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

const PolicyReply = wrapped('policy', Policy);
const RetryReply = z.object({ upload: UploadQueueEntry.nullable() });

/**
 * The policy calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const policy = await api.createPolicy({ name: 'Lab', settings: { recording: { terminal: 'off' } } });
 * await api.setPolicyAssignments(policy.id, { assignments: [{ type: 'group', group: 'Lab' }] });
 */
export function createPolicyClient(transport: HttpTransport): PolicyClient {
  const id = encodeURIComponent;
  return {
    listPolicies: async () =>
      (await requestJson(transport, { method: 'GET', path: '/api/v1/policies' }, PolicyList))
        .policies,
    getPolicy: (policyId) =>
      requestJson(
        transport,
        { method: 'GET', path: `/api/v1/policies/${id(policyId)}` },
        PolicyReply,
      ),
    retryUpload: async (recordingId) => {
      await requestJson(
        transport,
        { method: 'POST', path: `/api/v1/uploads/${id(recordingId)}/retry` },
        RetryReply,
      );
    },
    testStorage: (storage) =>
      requestJson(
        transport,
        { method: 'POST', path: '/api/v1/storage/test', body: storage },
        StorageTestResult,
      ),
    createPolicy: (request) =>
      requestJson(
        transport,
        { method: 'POST', path: '/api/v1/policies', body: request },
        PolicyReply,
      ),
    updatePolicy: (policyId, request) =>
      requestJson(
        transport,
        { method: 'PUT', path: `/api/v1/policies/${id(policyId)}`, body: request },
        PolicyReply,
      ),
    deletePolicy: (policyId) =>
      requestVoid(transport, { method: 'DELETE', path: `/api/v1/policies/${id(policyId)}` }),
    setPolicyAssignments: (policyId, request) =>
      requestJson(
        transport,
        { method: 'PUT', path: `/api/v1/policies/${id(policyId)}/assignments`, body: request },
        PolicyReply,
      ),
  };
}
