import { open } from 'node:fs/promises';
import {
  FILE_CHUNK_BYTES,
  FILE_DATA_HEADER_BYTES,
  FILE_WINDOW_BYTES,
  writeFileDataHeader,
  type FileRequest,
} from '@tether/protocol';
import { errorReply, FileRequestError } from './file-errors.js';
import type { FileRoots } from './file-roots.js';
import { hashPrefix, type FileTransfer, type TransferLink } from './file-transfer.js';

/**
 * Sends a file from the requested offset in DATA frames, keeping at most
 * {@link FILE_WINDOW_BYTES} unacknowledged, then `done` with the SHA-256 of the whole file.
 *
 * @example
 * const transfer = await startDownload(request, { roots, link });
 */
export async function startDownload(
  request: Extract<FileRequest, { type: 'download' }>,
  options: { roots: FileRoots; link: TransferLink },
): Promise<FileTransfer> {
  const { link } = options;
  const path = await options.roots.existing(request.path);
  const handle = await open(path, 'r');
  let size: number;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileRequestError('invalid', `"${path}" is not a file.`);
    size = info.size;
    if (request.offset > size)
      throw new FileRequestError(
        'invalid',
        `Cannot resume "${path}" at byte ${request.offset}: the file has only ${size} bytes now. Download it again from the start.`,
      );
  } catch (error) {
    await handle.close();
    throw error;
  }
  const hash = await hashPrefix(path, request.offset);
  let position = request.offset;
  let acked = request.offset;
  let isReading = false;
  const state = { isOver: false };
  // A function, not the flag: the flag changes across awaits, which narrowing does not see.
  const isOver = (): boolean => state.isOver;
  const finish = async (): Promise<void> => {
    if (state.isOver) return;
    state.isOver = true;
    await handle.close();
    link.onFinished();
  };
  const pump = async (): Promise<void> => {
    if (isReading || state.isOver) return;
    isReading = true;
    try {
      while (!isOver() && position < size && position - acked < FILE_WINDOW_BYTES) {
        const length = Math.min(FILE_CHUNK_BYTES, size - position);
        const frame = new Uint8Array(FILE_DATA_HEADER_BYTES + length);
        const { bytesRead } = await handle.read(frame, FILE_DATA_HEADER_BYTES, length, position);
        if (bytesRead < length)
          throw new FileRequestError(
            'failed',
            `"${path}" shrank while it was being downloaded; download it again.`,
          );
        if (isOver()) return;
        hash.update(frame.subarray(FILE_DATA_HEADER_BYTES));
        writeFileDataHeader(frame, { id: request.id, offset: position });
        position += length;
        link.sendData(frame, () => undefined);
      }
      if (position === size && !isOver()) {
        link.reply({
          type: 'done',
          id: request.id,
          op: 'download',
          path,
          size,
          sha256: hash.digest('hex'),
        });
        await finish();
      }
    } catch (error) {
      if (!isOver()) link.reply(errorReply(error, { id: request.id, op: 'download', path }));
      await finish();
    } finally {
      isReading = false;
    }
  };
  link.reply({ type: 'ready', id: request.id, op: 'download', path, offset: request.offset, size });
  void pump();
  return {
    onAck(offset) {
      acked = Math.max(acked, Math.min(offset, position));
      void pump();
    },
    onData() {
      link.reply(
        errorReply(new FileRequestError('invalid', 'A download does not take data.'), {
          id: request.id,
          op: 'download',
          path,
        }),
      );
    },
    async cancel() {
      if (state.isOver) return;
      link.reply(
        errorReply(new FileRequestError('cancelled', 'Download cancelled.'), {
          id: request.id,
          op: 'download',
          path,
        }),
      );
      await finish();
    },
    abort: finish,
  };
}
