import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpsApp } from '../https-app.js';
import { z } from 'zod';
import { AppError, RecordingId, type Recording, type RecordingList } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { readAsciicast } from '../../recordings/index.js';
import { readFilesTimeline } from '../../recordings/files/index.js';
import { readRfbRecording } from '../../recordings/desktop/index.js';
import type { RecordingListItem } from '../../store/store.js';
import type { UploadRecord } from '../../store/upload-repository.js';
import { toRecordingUpload } from '../../uploads/upload-view.js';
import { parseInput, requireUser } from '../request-context.js';

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

function toApiRecording(item: RecordingListItem, upload?: UploadRecord): Recording {
  return {
    id: item.id,
    sessionId: item.sessionId,
    deviceId: item.deviceId,
    deviceName: item.deviceName,
    username: item.username,
    kind: item.kind,
    format: item.format,
    state: item.state,
    startedAt: item.startedAt.toISOString(),
    endedAt: item.endedAt?.toISOString() ?? null,
    durationMs: item.durationMs,
    sizeBytes: item.sizeBytes,
    upload: upload ? toRecordingUpload(upload) : null,
  };
}

/** The recordings with their upload status. */
async function withUploads(
  context: ServerContext,
  items: RecordingListItem[],
): Promise<Recording[]> {
  const uploads = await context.store.uploads.findMany(items.map((item) => item.id));
  const byId = new Map(uploads.map((upload) => [upload.recordingId, upload]));
  return items.map((item) => toApiRecording(item, byId.get(item.id)));
}

export function recordingRoutes(app: HttpsApp, context: ServerContext): void {
  const find = async (id: unknown): Promise<RecordingListItem> => {
    const recording = await context.store.recordings.find(
      parseInput(RecordingId, id, 'recording ID'),
    );
    if (!recording) throw new AppError('NOT_FOUND', 'There is no such recording.');
    return recording;
  };

  app.get('/api/v1/recordings', async (request): Promise<RecordingList> => {
    await requireUser(context.auth, request);
    const query = parseInput(ListQuery, request.query, 'recording list query');
    return {
      recordings: await withUploads(
        context,
        await context.store.recordings.list({ limit: query.limit }),
      ),
    };
  });

  app.get('/api/v1/recordings/:id', async (request) => {
    await requireUser(context.auth, request);
    const [recording] = await withUploads(context, [
      await find((request.params as { id: string }).id),
    ]);
    return { recording };
  });

  app.get('/api/v1/recordings/:id/content', async (request, reply) => {
    await requireUser(context.auth, request);
    const recording = await find((request.params as { id: string }).id);
    const file = join(context.recordingsDir, recording.path);
    if (
      !(await stat(file).then(
        () => true,
        () => false,
      ))
    ) {
      const upload = await context.store.uploads.find(recording.id);
      throw new AppError(
        'NOT_FOUND',
        upload?.state === 'done' && upload.remotePath
          ? `This recording is no longer on the Tether server: it was uploaded to ${upload.target} (${upload.remotePath}) and its local copy removed after the retention period. Fetch it from there.`
          : 'The file of this recording is missing on the Tether server. Restore it from a backup.',
      );
    }
    if (recording.format === 'tether-files-v1') {
      const timeline = await readFilesTimeline(file);
      return reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('x-recording-intact', String(timeline.intact))
        .header('content-disposition', `attachment; filename="${recording.id}.files.jsonl"`)
        .send(timeline.text);
    }
    if (recording.format === 'tether-rfb-v1') {
      const rfb = await readRfbRecording(file);
      return reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('x-recording-intact', String(rfb.intact))
        .header('content-disposition', `attachment; filename="${recording.id}.rfb.jsonl"`)
        .send(rfb.text);
    }
    const content = await readAsciicast(file);
    return reply
      .header('content-type', 'application/x-asciicast; charset=utf-8')
      .header('x-recording-intact', String(content.intact))
      .header('content-disposition', `attachment; filename="${recording.id}.cast"`)
      .send(content.text);
  });
}
