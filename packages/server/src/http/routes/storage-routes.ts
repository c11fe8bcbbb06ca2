import {
  AppError,
  storageEndpoints,
  uploadEndpoints,
  type StorageTestResult,
} from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { createStorageConnector } from '../../storage/index.js';
import { targetOf } from '../../uploads/upload-storage.js';
import { toUploadQueueEntry } from '../../uploads/upload-view.js';
import type { HttpsApp } from '../https-app.js';
import { registerEndpoint } from '../endpoint-route.js';
import { sourceAddress } from '../request-context.js';

/**
 * Custom storage: test a storage setting before saving it, see the upload queue,
 * retry a failed upload now. The sealed credential is only ever read, never returned.
 */
export function storageRoutes(app: HttpsApp, context: ServerContext): void {
  const connector = createStorageConnector({
    folders: context.config.storage,
    clock: context.clock,
  });

  registerEndpoint(app, context.auth, storageEndpoints.test, async (input) => {
    const { body: storage, principal, request } = input;
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

  registerEndpoint(app, context.auth, uploadEndpoints.list, async ({ query }) => {
    const rows = await context.store.uploads.list({
      limit: query.limit,
      ...(query.state ? { states: [query.state] } : {}),
    });
    return { uploads: rows.map(toUploadQueueEntry) };
  });

  registerEndpoint(app, context.auth, uploadEndpoints.retry, async ({ params }) => {
    const { recordingId } = params;
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
