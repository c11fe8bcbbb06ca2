import { z } from 'zod';
import { Recording, RecordingList } from '../api/recordings.js';
import { RecordingId } from '../ids.js';
import { endpoint } from './endpoint.js';

/**
 * Query of the recording list: newest first, at most `limit` recordings.
 *
 * @example
 * RecordingListQuery.parse({ limit: '20' }) // { limit: 20 }
 */
export const RecordingListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type RecordingListQuery = z.input<typeof RecordingListQuery>;

/**
 * `GET /api/v1/recordings/:id`: one recording with its upload status.
 *
 * @example
 * const { recording } = RecordingReply.parse(body);
 */
export const RecordingReply = z.object({ recording: Recording });
export type RecordingReply = z.infer<typeof RecordingReply>;

const recordingParams = z.object({ id: RecordingId });

/**
 * Session recordings: every signed-in role may watch them.
 *
 * @example
 * const cast = await callEndpointText(transport, recordingEndpoints.content, { params: { id } });
 */
export const recordingEndpoints = {
  list: endpoint({
    id: 'recordings.list',
    method: 'GET',
    path: '/api/v1/recordings',
    summary: 'List recordings',
    description: 'Newest first, each with its upload to custom storage (null when none applies).',
    access: { kind: 'user', permission: 'recordings.view' },
    subject: 'recording list',
    query: RecordingListQuery,
    success: { status: 200, body: RecordingList },
    errors: ['INVALID_INPUT'],
  }),
  get: endpoint({
    id: 'recordings.get',
    method: 'GET',
    path: '/api/v1/recordings/:id',
    summary: 'Read a recording',
    access: { kind: 'user', permission: 'recordings.view' },
    subject: 'recording',
    params: recordingParams,
    success: { status: 200, body: RecordingReply },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
  content: endpoint({
    id: 'recordings.content',
    method: 'GET',
    path: '/api/v1/recordings/:id/content',
    summary: "Download a recording's file",
    description:
      'A terminal recording is asciicast v2 (`.cast`, `application/x-asciicast`); a files or desktop recording is the Tether timeline, one JSON object per line (`.jsonl`, `application/x-ndjson`). The `x-recording-intact` header is `false` when the file does not match its hash chain or was cut short by a crash; its well-formed lines are returned. `NOT_FOUND` once the local copy was removed after its upload: the message names where it was uploaded.',
    access: { kind: 'user', permission: 'recordings.view' },
    subject: 'recording',
    params: recordingParams,
    success: { status: 200, body: undefined, contentType: 'application/x-asciicast' },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
};
