import {
  AppError,
  RecordingId,
  StorageTestRequest,
  UploadState,
  type StorageTestResult,
  type UploadList,
} from '@tether/protocol';
import { z } from 'zod';
import type { ServerContext } from '../../ports/server-context.js';
import { createStorageConnector } from '../../storage/index.js';
import { targetOf } from '../../uploads/upload-storage.js';
import { toUploadQueueEntry } from '../../uploads/upload-view.js';
import type { HttpsApp } from '../https-app.js';
import { parseInput, requireUser, sourceAddress } from '../request-context.js';

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  state: UploadState.optional(),
});

/**
 * Custom storage: test a storage setting before saving it, see the upload queue,
 * retry a failed upload now. The sealed credential is only ever read, never returned.
 */
export function storageRoutes(app: HttpsApp, context: ServerContext): void {
  const connector = createStorageConnector({
    folders: context.config.storage,
    clock: context.clock,
  });

  app.post('/api/v1/storage/test', async (request): Promise<StorageTestResult> => {
    const principal = await requireUser(context.auth, request, ['administrator']);
    const storage = parseInput(StorageTestRequest, request.body, 'storage setting');
    const target = targetOf(storage);
    const audit = (details: Record<string, unknown>) =>
      context.audit.record({
        action: 'storage.tested',
        actor: principal.user.username,
        target,
        sourceAddress: sourceAddress(request),
        details,
      });
    let result: StorageTestResult;
    try {
      result = await connector.test(storage);
    } catch (error) {
      const reason =
        error instanceof AppError
          ? error.message
          : 'The test failed unexpectedly; see the server log.';
      if (!(error instanceof AppError))
        context.log.error({ err: error, target }, 'storage test failed');
      await audit({ ok: false, reason });
      throw new AppError(
        error instanceof AppError && error.code === 'UNAVAILABLE' ? 'UNAVAILABLE' : 'INVALID_INPUT',
        `Storage test failed: ${reason}`,
        // e.g. the host key the server presented, so the console can offer to pin it
        error instanceof AppError ? error.details : undefined,
      );
    }
    await audit({
      ok: true,
      folder: result.folder,
      verification: result.verification,
      notices: result.notices,
    });
    return result;
  });

  app.get('/api/v1/uploads', async (request): Promise<UploadList> => {
    await requireUser(context.auth, request);
    const query = parseInput(ListQuery, request.query, 'upload list query');
    const rows = await context.store.uploads.list({
      limit: query.limit,
      ...(query.state ? { states: [query.state] } : {}),
    });
    return { uploads: rows.map(toUploadQueueEntry) };
  });

  app.post('/api/v1/uploads/:recordingId/retry', async (request) => {
    await requireUser(context.auth, request, ['administrator']);
    const recordingId = parseInput(
      RecordingId,
      (request.params as { recordingId: string }).recordingId,
      'recording ID',
    );
    if (!(await context.uploads.retryNow(recordingId))) {
      const row = await context.store.uploads.find(recordingId);
      throw row
        ? new AppError(
            'CONFLICT',
            `This recording's upload is ${row.state}; only a pending or failed upload can be retried.`,
          )
        : new AppError(
            'NOT_FOUND',
            'This recording is not in the upload queue (no custom storage policy applied to it).',
          );
    }
    const row = await context.store.uploads.find(recordingId);
    return { upload: row ? toUploadQueueEntry(row) : null };
  });
}
