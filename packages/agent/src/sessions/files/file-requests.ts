import type { FileReply, FileRequest } from '@tether/protocol/file-frames';
import type { Logger } from '../../logging.js';
import { errorReply, FileRequestError } from './file-errors.js';
import { startDownload } from './file-download.js';
import { fileOperations } from './file-operations.js';
import { startFolderDownload } from './folder-download.js';
import type { FileRoots } from './file-roots.js';
import type { FileTransfer, TransferLink } from './file-transfer.js';
import { startUpload } from './file-upload.js';

/** Transfers one session may run at once (each holds a file handle and a window of data). */
const MAX_TRANSFERS = 8;

/** The request side of a files session; see {@link createFileRequests}. */
export interface FileRequests {
  handle: (request: FileRequest) => Promise<void>;
  /** A DATA frame from the console (upload content). */
  onData: (id: number, offset: number, data: Uint8Array) => void;
  /** The session ended: stops every transfer, keeping what can be resumed. */
  abortAll: () => Promise<void>;
}

/**
 * Answers a files session's requests within the roots and runs its transfers.
 *
 * @example
 * const requests = createFileRequests({ roots, log, reply, sendData });
 * void requests.handle(request);
 */
export function createFileRequests(deps: {
  roots: FileRoots;
  log: Logger;
  reply: (message: FileReply) => void;
  sendData: TransferLink['sendData'];
}): FileRequests {
  const { roots, log, reply } = deps;
  const transfers = new Map<number, FileTransfer>();
  /** Transfers that finished before their start resolved (never kept in `transfers`). */
  const finished = new Set<number>();
  const linkFor = (id: number): TransferLink => ({
    reply,
    sendData: deps.sendData,
    onFinished: () => {
      finished.add(id);
      transfers.delete(id);
    },
  });
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
    if (request.type === 'upload') return startUpload(request, { roots, link });
    return request.archive === undefined
      ? startDownload(request, { roots, link })
      : startFolderDownload(request, { roots, link, log });
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
  return {
    handle,
    onData: (id, offset, data) => transfers.get(id)?.onData(offset, data),
    abortAll: async () => {
      await Promise.all([...transfers.values()].map((transfer) => transfer.abort()));
    },
  };
}
