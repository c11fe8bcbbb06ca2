import type { Hash } from 'node:crypto';
import {
  FILE_CHUNK_BYTES,
  FILE_DATA_HEADER_BYTES,
  FILE_WINDOW_BYTES,
  writeFileDataHeader,
  type FileReply,
} from '@tether/protocol/file-frames';
import { errorReply, FileRequestError } from './file-errors.js';
import type { FileTransfer, TransferLink } from './file-transfer.js';

/** Where a download's bytes come from; see {@link sendTransfer}. */
export interface TransferSource {
  /** Fills `frame` from `start` with at most `length` next bytes; returns how many (0: the end). */
  read(frame: Uint8Array, start: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Sends a download's bytes in DATA frames from `offset`, keeping at most
 * {@link FILE_WINDOW_BYTES} unacknowledged, then `done` with the size and the SHA-256 `hash`
 * (already fed with the bytes before `offset`). Shared by file and folder downloads.
 *
 * @example
 * return sendTransfer({ id, path, offset: 0, link, hash, source, done: (base) => base });
 */
export function sendTransfer(options: {
  id: number;
  path: string;
  offset: number;
  link: TransferLink;
  hash: Hash;
  source: TransferSource;
  /** Adds fields to the `done` reply (e.g. how many entries an archive skipped). */
  done(reply: Extract<FileReply, { type: 'done' }>): Extract<FileReply, { type: 'done' }>;
}): FileTransfer {
  const { id, path, link, hash, source } = options;
  let position = options.offset;
  let acked = options.offset;
  let isReading = false;
  const spare: Uint8Array[] = [];
  const state = { isOver: false };
  // A function, not the flag: the flag changes across awaits, which narrowing does not see.
  const isOver = (): boolean => state.isOver;
  const finish = async (): Promise<void> => {
    if (state.isOver) return;
    state.isOver = true;
    await source.close();
    link.onFinished();
  };
  const pump = async (): Promise<void> => {
    if (isReading || state.isOver) return;
    isReading = true;
    try {
      while (!isOver() && position - acked < FILE_WINDOW_BYTES) {
        // Frames go back to `spare` once written: a fresh 256 KiB buffer per frame costs the
        // device more garbage collection than reading the file.
        const frame = spare.pop() ?? new Uint8Array(FILE_DATA_HEADER_BYTES + FILE_CHUNK_BYTES);
        const length = await source.read(frame, FILE_DATA_HEADER_BYTES, FILE_CHUNK_BYTES);
        if (isOver()) return;
        if (length === 0) {
          const sha256 = hash.digest('hex');
          link.reply(
            options.done({ type: 'done', id, op: 'download', path, size: position, sha256 }),
          );
          await finish();
          return;
        }
        const data = frame.subarray(0, FILE_DATA_HEADER_BYTES + length);
        hash.update(data.subarray(FILE_DATA_HEADER_BYTES));
        writeFileDataHeader(data, { id, offset: position });
        position += length;
        link.sendData(data, () => spare.push(frame));
      }
    } catch (error) {
      if (!isOver()) link.reply(errorReply(error, { id, op: 'download', path }));
      await finish();
    } finally {
      isReading = false;
    }
  };
  void pump();
  return {
    onAck(offset) {
      acked = Math.max(acked, Math.min(offset, position));
      void pump();
    },
    onData() {
      link.reply(
        errorReply(new FileRequestError('invalid', 'A download does not take data.'), {
          id,
          op: 'download',
          path,
        }),
      );
    },
    async cancel() {
      if (state.isOver) return;
      link.reply(
        errorReply(new FileRequestError('cancelled', 'Download cancelled.'), {
          id,
          op: 'download',
          path,
        }),
      );
      await finish();
    },
    abort: finish,
  };
}
