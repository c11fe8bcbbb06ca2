import { stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
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
import { z } from 'zod';
import { getFromNode, verifiedNodeRequest } from '../../cluster/node-requests.js';

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

/** Each format's download name ending, after the recording ID. */
const EXTENSIONS: Record<string, string> = {
  'tether-files-v1': '.files.jsonl',
  'tether-rfb-v1': '.rfb.jsonl',
};
const extensionOf = (format: string): string => EXTENSIONS[format] ?? '.cast';

/** Each session kind's format, read back as the text a player or an integrator parses. */
async function readContent(recording: RecordingListItem, file: string): Promise<RecordingFile> {
  const extension = extensionOf(recording.format);
  if (recording.format === 'tether-files-v1') {
    const { text, intact } = await readFilesTimeline(file);
    return { type: NDJSON, extension, text, intact };
  }
  if (recording.format === 'tether-rfb-v1') {
    const { text, intact } = await readRfbRecording(file);
    return { type: NDJSON, extension, text, intact };
  }
  const { text, intact } = await readAsciicast(file);
  return { type: 'application/x-asciicast; charset=utf-8', extension, text, intact };
}

/** Where a node asks the node holding a recording's file for its content (cluster mode). */
const NODE_CONTENT_PATH = (id: string): string => `/cluster/v1/recordings/${id}/content`;

/** A node's request for a recording's content: the node asking checked the user's right. */
const NodeContentRequest = z.object({
  purpose: z.literal('recording.content'),
  recordingId: z.uuid(),
  from: z.string().max(64),
  at: z.number(),
});

const isFile = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  );

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

/**
 * A recording's content as the node holding its file reads it, or undefined when that node
 * cannot give it (unreachable, or its file is gone too: the caller then says why).
 */
async function contentFromNode(
  context: ServerContext,
  node: { id: string; url: string },
  recordingId: string,
): Promise<IncomingMessage | undefined> {
  try {
    const response = await getFromNode({
      identity: context.identity,
      fingerprint: context.tls.fingerprint,
      nodeUrl: node.url,
      path: NODE_CONTENT_PATH(recordingId),
      request: {
        purpose: 'recording.content',
        recordingId,
        from: context.cluster.nodeId,
        at: context.clock.now().getTime(),
      },
    });
    if (response.statusCode === 200) return response;
    response.resume();
  } catch (error) {
    context.log.warn({ err: error, node: node.id, recordingId }, 'could not reach a recording');
  }
  return undefined;
}

/**
 * Cluster mode: a recording's content for the other nodes (`contentFromNode`), which checked
 * the user's right before asking; the request is signed by the cluster's server identity.
 */
function nodeContentRoute(app: HttpsApp, context: ServerContext): void {
  app.get<{ Params: { id: string } }>(NODE_CONTENT_PATH(':id'), async (request, reply) => {
    const asked = verifiedNodeRequest(context, request.headers, NodeContentRequest);
    if (asked?.recordingId !== request.params.id)
      throw new AppError('FORBIDDEN', 'Only the nodes of this cluster may ask for this.');
    const recording = await context.store.recordings.find(asked.recordingId);
    const file = recording && join(context.recordingsDir, recording.path);
    if (!recording || !file || !(await isFile(file)))
      throw new AppError('NOT_FOUND', 'The file of this recording is not on this node.');
    const content = await readContent(recording, file);
    await reply
      .header('content-type', content.type)
      .header('x-recording-intact', String(content.intact))
      .send(content.text);
  });
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
  if (context.cluster.isClustered) nodeContentRoute(app, context);
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
    if (!(await isFile(file))) {
      const node = await elsewhereInCluster(context, recording.sessionId);
      // The session was relayed by another node, which keeps the file: played from there.
      const fetched = node?.isAlive && (await contentFromNode(context, node, recording.id));
      if (fetched) {
        await reply
          .header('content-type', fetched.headers['content-type'])
          .header('x-recording-intact', fetched.headers['x-recording-intact'])
          .header(
            'content-disposition',
            `attachment; filename="${recording.id}${extensionOf(recording.format)}"`,
          )
          .send(fetched);
        return;
      }
      const upload = await context.store.uploads.find(recording.id);
      throw new AppError(
        'NOT_FOUND',
        upload?.state === 'done' && upload.remotePath
          ? `This recording is no longer on the Tether server: it was uploaded to ${upload.target} (${upload.remotePath}) and its local copy removed after the retention period. Fetch it from there.`
          : node
            ? `This recording is stored on the cluster node ${node.id} (${node.url}), which relayed the session, not on this node (${context.cluster.nodeId}). It can be played ${node.isAlive ? 'from that node' : 'once that node runs again'}, or from the upload target once uploaded.`
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
