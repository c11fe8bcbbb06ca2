import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpsApp } from '../https-app.js';
import { AppError, recordingEndpoints, type Recording } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { readAsciicast } from '../../recordings/index.js';
import { readFilesTimeline } from '../../recordings/files/index.js';
import { readRfbRecording } from '../../recordings/desktop/index.js';
import type { RecordingListItem } from '../../store/store.js';
import type { UploadRecord } from '../../store/upload-repository.js';
import { toRecordingUpload } from '../../uploads/upload-view.js';
import { registerEndpoint } from '../endpoint-route.js';
import { sourceAddress } from '../request-context.js';
import { visibleGroups } from '../../rights/visible-groups.js';
import type { UserRecord } from '../../store/store.js';
import type { FastifyRequest } from 'fastify';

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

/** A recording's file as it is downloaded. */
interface RecordingFile {
  type: string;
  /** Ends the download's file name, after the recording ID. */
  extension: string;
  text: string;
  /** The file matched its hash chain; false after a crash or tampering (the header says so). */
  intact: boolean;
}

const NDJSON = 'application/x-ndjson; charset=utf-8';

/** Each session kind's format, read back as the text a player or an integrator parses. */
async function readContent(recording: RecordingListItem, file: string): Promise<RecordingFile> {
  if (recording.format === 'tether-files-v1') {
    const { text, intact } = await readFilesTimeline(file);
    return { type: NDJSON, extension: '.files.jsonl', text, intact };
  }
  if (recording.format === 'tether-rfb-v1') {
    const { text, intact } = await readRfbRecording(file);
    return { type: NDJSON, extension: '.rfb.jsonl', text, intact };
  }
  const { text, intact } = await readAsciicast(file);
  return { type: 'application/x-asciicast; charset=utf-8', extension: '.cast', text, intact };
}

/** Cluster: the node holding a recording's file when it is another node (it relayed the session). */
async function elsewhereInCluster(
  context: ServerContext,
  sessionId: string,
): Promise<{ id: string; url: string; isAlive: boolean } | undefined> {
  if (!context.cluster.isClustered) return undefined;
  const relayNode = await context.store.sessions.relayNodeOf(sessionId);
  if (relayNode === undefined || relayNode === context.cluster.nodeId) return undefined;
  const known = (await context.cluster.nodes()).find((node) => node.id === relayNode);
  return {
    id: relayNode,
    url: known?.url ?? 'no longer in the node list',
    isAlive: !!known?.isAlive,
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

/**
 * Recordings and their files, for every signed-in role: of the devices on whose group
 * the user has the `recordings` right.
 */
export function recordingRoutes(app: HttpsApp, context: ServerContext): void {
  const find = async (
    id: string,
    input: { principal: { user: UserRecord }; request: FastifyRequest },
  ): Promise<RecordingListItem> => {
    const recording = await context.store.recordings.find(id);
    if (!recording) throw new AppError('NOT_FOUND', 'There is no such recording.');
    await context.rights.authorize(input.principal.user, recording.deviceId, 'recordings', {
      sourceAddress: sourceAddress(input.request),
      isHistory: true, // a deleted device's recordings stay playable
    });
    return recording;
  };

  registerEndpoint(app, context.auth, recordingEndpoints.list, async ({ query, principal }) => {
    const recordings = await context.store.recordings.list({
      limit: query.limit,
      ...(await visibleGroups(context.rights, principal.user, 'recordings')),
    });
    return { recordings: await withUploads(context, recordings) };
  });

  registerEndpoint(app, context.auth, recordingEndpoints.get, async (input) => {
    const recording = await find(input.params.id, input);
    return { recording: toApiRecording(recording, await context.store.uploads.find(recording.id)) };
  });

  registerEndpoint(app, context.auth, recordingEndpoints.content, async (input) => {
    const { reply } = input;
    const recording = await find(input.params.id, input);
    const file = join(context.recordingsDir, recording.path);
    if (
      !(await stat(file).then(
        () => true,
        () => false,
      ))
    ) {
      const upload = await context.store.uploads.find(recording.id);
      const node = await elsewhereInCluster(context, recording.sessionId);
      throw new AppError(
        'NOT_FOUND',
        upload?.state === 'done' && upload.remotePath
          ? `This recording is no longer on the Tether server: it was uploaded to ${upload.target} (${upload.remotePath}) and its local copy removed after the retention period. Fetch it from there.`
          : node
            ? `This recording is stored on the cluster node ${node.id} (${node.url}), which relayed the session, not on this node (${context.cluster.nodeId}). Open it from that node's address${node.isAlive ? '' : ' once it runs again'}, or from the upload target once uploaded.`
            : 'The file of this recording is missing on the Tether server. Restore it from a backup.',
      );
    }
    const content = await readContent(recording, file);
    // Sent through the reply (not hijacked), so the security headers of every answer apply;
    // awaiting the reply waits until it is written, and the adapter then leaves it alone.
    await reply
      .header('content-type', content.type)
      .header('x-recording-intact', String(content.intact))
      .header('content-disposition', `attachment; filename="${recording.id}${content.extension}"`)
      .send(content.text);
  });
}
