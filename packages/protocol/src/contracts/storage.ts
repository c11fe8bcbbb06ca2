import { z } from 'zod';
import {
  StorageTestRequest,
  StorageTestResult,
  UploadList,
  UploadQueueEntry,
  UploadState,
} from '../api/uploads.js';
import { RecordingId } from '../ids.js';
import { endpoint } from './endpoint.js';

/**
 * Query of the upload queue: newest first, optionally only the uploads in one state.
 *
 * @example
 * UploadListQuery.parse({ state: 'failed' }) // { limit: 100, state: 'failed' }
 */
export const UploadListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  state: UploadState.optional(),
});
export type UploadListQuery = z.input<typeof UploadListQuery>;

/**
 * `POST /api/v1/uploads/:recordingId/retry`: the upload as it is after the retry was scheduled
 * (null if it left the queue meanwhile).
 *
 * @example
 * const { upload } = UploadRetryReply.parse(body);
 */
export const UploadRetryReply = z.object({ upload: UploadQueueEntry.nullable() });
export type UploadRetryReply = z.infer<typeof UploadRetryReply>;

/**
 * Custom storage: administrators check a storage setting before saving it in a policy.
 *
 * @example
 * const result = await callEndpoint(transport, storageEndpoints.test, { body: storage });
 */
export const storageEndpoints = {
  test: endpoint({
    id: 'storage.test',
    method: 'POST',
    path: '/api/v1/storage/test',
    summary: 'Test a custom storage setting',
    description:
      'Uploads a probe file from this server exactly as recordings are uploaded (month folder, `.part`, verification, rename) and deletes it; nothing is saved. A failure says what to fix; a refused SFTP host key carries `details.presentedHostKey`, to pin it. `UNAVAILABLE` when the storage server cannot be reached. Every test is audited.',
    access: { kind: 'user', permission: 'storage.manage' },
    subject: 'storage setting',
    body: StorageTestRequest,
    success: { status: 200, body: StorageTestResult },
    errors: ['INVALID_INPUT', 'UNAVAILABLE'],
  }),
};

/**
 * The upload queue of recordings made under a custom storage policy.
 *
 * @example
 * const { uploads } = await callEndpoint(transport, uploadEndpoints.list, {
 *   query: { state: 'failed' },
 * });
 */
export const uploadEndpoints = {
  list: endpoint({
    id: 'uploads.list',
    method: 'GET',
    path: '/api/v1/uploads',
    summary: 'List the upload queue',
    description: 'Newest first; `state` keeps only the uploads in that state.',
    access: { kind: 'user', permission: 'recordings.view' },
    subject: 'upload list',
    query: UploadListQuery,
    success: { status: 200, body: UploadList },
    errors: ['INVALID_INPUT'],
  }),
  retry: endpoint({
    id: 'uploads.retry',
    method: 'POST',
    path: '/api/v1/uploads/:recordingId/retry',
    summary: 'Retry an upload now',
    description:
      'A pending or failed upload is tried now instead of at its next attempt time. `CONFLICT` when it is uploading or done; `NOT_FOUND` when the recording is not in the queue (no custom storage policy applied to it).',
    access: { kind: 'user', permission: 'storage.manage' },
    subject: 'upload',
    params: z.object({ recordingId: RecordingId }),
    success: { status: 200, body: UploadRetryReply },
    errors: ['NOT_FOUND', 'CONFLICT', 'INVALID_INPUT'],
  }),
};
