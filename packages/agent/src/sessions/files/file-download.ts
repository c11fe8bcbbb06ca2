import { open } from 'node:fs/promises';
import type { FileRequest } from '@tether/protocol/file-frames';
import { FileRequestError } from './file-errors.js';
import type { FileRoots } from './file-roots.js';
import { hashPrefix, type FileTransfer, type TransferLink } from './file-transfer.js';
import { sendTransfer } from './transfer-sender.js';

/**
 * Sends a file from the requested offset, then `done` with the SHA-256 of the whole file.
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
  link.reply({ type: 'ready', id: request.id, op: 'download', path, offset: request.offset, size });
  return sendTransfer({
    id: request.id,
    path,
    offset: request.offset,
    link,
    hash,
    done: (reply) => reply,
    source: {
      async read(frame, start, length) {
        const wanted = Math.min(length, size - position);
        if (wanted === 0) return 0;
        const { bytesRead } = await handle.read(frame, start, wanted, position);
        if (bytesRead < wanted)
          throw new FileRequestError(
            'failed',
            `"${path}" shrank while it was being downloaded; download it again.`,
          );
        position += wanted;
        return wanted;
      },
      close: () => handle.close(),
    },
  });
}
