import {
  decodeFileFrame,
  encodeFileMessage,
  FileRequest,
  type FileReply,
  type SessionOffer,
} from '@tether/protocol';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import type { Clock } from '../../clock.js';
import { rawBytes } from '../../transport/raw-data.js';
import { connectRelay, relayUrl } from '../../transport/relay-client.js';
import type { RunningSession } from '../running-session.js';
import { errorReply, FileRequestError } from './file-errors.js';
import { fileOperations } from './file-operations.js';
import { createFileRoots, type FileRoots } from './file-roots.js';
import { startDownload } from './file-download.js';
import type { FileTransfer, TransferLink } from './file-transfer.js';
import { startUpload } from './file-upload.js';

const CLOSE_GRACE_MS = 3000;
/** Transfers one session may run at once (each holds a file handle and a window of data). */
const MAX_TRANSFERS = 8;

/** Options of {@link startFileSession}. */
export interface FileSessionOptions {
  serverUrl: string;
  expectedFingerprint: string;
  log: Logger;
  clock: Clock;
  /** The folders the technician may browse, read and write. */
  roots: readonly string[];
}

/**
 * Serves a files session: joins the relay and answers the console's file requests (list, stat,
 * make folder, rename, delete, upload, download) inside the allowed roots.
 *
 * @example
 * const session = await startFileSession(offer, { serverUrl, expectedFingerprint, log, clock, roots: [homedir()] });
 */
export async function startFileSession(
  offer: SessionOffer,
  options: FileSessionOptions,
): Promise<RunningSession> {
  const log = options.log.child({ sessionId: offer.sessionId });
  const roots = await createFileRoots(options.roots);
  const socket = await connectRelay(relayUrl(options.serverUrl, offer), {
    expectedFingerprint: options.expectedFingerprint,
  });
  log.info({ technician: offer.technician, roots: roots.list }, 'files session started');
  return serve(socket, { sessionId: offer.sessionId, roots, log, clock: options.clock });
}

function serve(
  socket: WebSocket,
  context: { sessionId: string; roots: FileRoots; log: Logger; clock: Clock },
): RunningSession {
  const { roots, log, clock } = context;
  const transfers = new Map<number, FileTransfer>();
  /** Transfers that finished before their start resolved (never kept in `transfers`). */
  const finished = new Set<number>();
  const reply = (message: FileReply): void => {
    if (socket.readyState === WebSocket.OPEN) socket.send(encodeFileMessage(message));
  };
  const linkFor = (id: number): TransferLink => ({
    reply,
    sendData: (frame, onSent) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame, onSent);
    },
    onFinished: () => {
      finished.add(id);
      transfers.delete(id);
    },
  });
  const closeRelay = (code: number, reason: string): void => {
    if (socket.readyState === WebSocket.CLOSED) return;
    socket.close(code, reason);
    const cancel = clock.setTimer(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', cancel);
  };
  const startTransfer = (
    request: Extract<FileRequest, { type: 'download' | 'upload' }>,
  ): Promise<FileTransfer> => {
    if (transfers.has(request.id))
      throw new FileRequestError('invalid', `Request id ${request.id} is already in use.`);
    if (transfers.size >= MAX_TRANSFERS)
      throw new FileRequestError(
        'invalid',
        `At most ${MAX_TRANSFERS} transfers at once; wait for one to finish.`,
      );
    const link = linkFor(request.id);
    return request.type === 'download'
      ? startDownload(request, { roots, link })
      : startUpload(request, { roots, link });
  };
  const handle = async (request: FileRequest): Promise<void> => {
    const op = request.type;
    const path = 'path' in request ? request.path : undefined;
    try {
      if (request.type === 'ack') {
        transfers.get(request.id)?.onAck(request.offset);
      } else if (request.type === 'cancel') {
        await transfers.get(request.id)?.cancel();
      } else if (request.type === 'download' || request.type === 'upload') {
        finished.delete(request.id);
        const transfer = await startTransfer(request);
        if (!finished.delete(request.id)) transfers.set(request.id, transfer);
      } else {
        // Total over the remaining request types; TypeScript cannot correlate key and handler.
        const operation = fileOperations[request.type].bind(fileOperations) as (
          roots: FileRoots,
          request: FileRequest,
        ) => Promise<FileReply>;
        reply(await operation(roots, request));
      }
    } catch (error) {
      const body = errorReply(error, {
        id: request.id,
        op: op === 'ack' || op === 'cancel' ? 'upload' : op,
        ...(path ? { path } : {}),
      });
      if (body.code === 'failed') log.warn({ err: error, op }, 'file request failed');
      if (body.code === 'refused')
        log.warn({ op, path }, 'file request refused: outside the roots');
      reply(body);
    }
  };
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) return closeRelay(4422, 'file frames must be binary');
    const frame = decodeFileFrame(rawBytes(data));
    if (!frame) return closeRelay(4422, 'malformed file frame');
    if (frame.type === 'data') {
      const transfer = transfers.get(frame.id);
      if (transfer) transfer.onData(frame.offset, frame.data);
      return;
    }
    const parsed = FileRequest.safeParse(frame.message);
    if (!parsed.success) return closeRelay(4422, 'malformed file request');
    void handle(parsed.data);
  });
  socket.on('error', (error) => log.warn({ err: error }, `files relay error: ${error.message}`));
  const ended = new Promise<void>((resolve) => {
    socket.on('close', (code, reason) => {
      log.info({ code, reason: reason.toString('utf8') }, 'files relay closed');
      void Promise.all([...transfers.values()].map((transfer) => transfer.abort())).then(() => {
        log.info('files session ended');
        resolve();
      });
    });
  });
  return {
    sessionId: context.sessionId,
    ended,
    async stop(reason) {
      closeRelay(1000, reason.slice(0, 120));
      await ended;
    },
  };
}
