import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { FileRequest } from '@tether/protocol/file-frames';
import type { Logger } from '../../logging.js';
import { FileRequestError } from './file-errors.js';
import type { FileRoots } from './file-roots.js';
import type { FileTransfer, TransferLink } from './file-transfer.js';
import { walkFolder, type OnSkipped, type WalkEntry } from './folder-walk.js';
import { padding, tarEnd, tarEntryBytes, tarHeader } from './tar-header.js';
import { sendTransfer } from './transfer-sender.js';

/** File content is read in pieces of this size (bounded memory whatever the file size). */
const READ_BYTES = 256 * 1024;

/**
 * Sends a folder as a tar archive built while it is sent: the walk, the reads and the frames go
 * at the pace the console acknowledges, so memory stays bounded. `ready` carries the size the
 * archive will have if nothing changes meanwhile; `done` the size and SHA-256 of the archive as
 * sent, and how many entries were skipped (symlinks leading out of the roots, unreadable files).
 *
 * @example
 * const transfer = await startFolderDownload(request, { roots, link, log });
 */
export async function startFolderDownload(
  request: Extract<FileRequest, { type: 'download' }>,
  options: { roots: FileRoots; link: TransferLink; log: Logger },
): Promise<FileTransfer> {
  const { roots, link, log } = options;
  const folder = await roots.existing(request.path);
  if (!(await stat(folder)).isDirectory())
    throw new FileRequestError('invalid', `"${folder}" is not a folder; download it as a file.`);
  if (request.offset !== 0)
    throw new FileRequestError(
      'invalid',
      `A folder archive cannot be resumed at byte ${request.offset}; download "${folder}" again from the start.`,
    );
  const isInside = (real: string): boolean => roots.isInside(real);
  let estimate = 0;
  for await (const entry of walkFolder(folder, { isInside, onSkipped: () => undefined }))
    estimate += tarEntryBytes(entry);
  estimate += tarEnd(estimate).length;
  let skipped = 0;
  const onSkipped: OnSkipped = (path, why) => {
    skipped += 1;
    log.info({ path, why }, 'folder download: entry skipped');
  };
  const pieces = archivePieces(walkFolder(folder, { isInside, onSkipped }), onSkipped);
  let leftover: Buffer | undefined;
  link.reply({
    type: 'ready',
    id: request.id,
    op: 'download',
    path: folder,
    offset: 0,
    size: estimate,
    archive: 'tar',
  });
  return sendTransfer({
    id: request.id,
    path: folder,
    offset: 0,
    link,
    hash: createHash('sha256'),
    done: (reply) => ({ ...reply, archive: 'tar', skipped }),
    source: {
      async read(frame, start, length) {
        let filled = 0;
        while (filled < length) {
          const piece = leftover ?? (await pieces.next()).value;
          if (piece === undefined) break;
          const taken = Math.min(piece.length, length - filled);
          frame.set(piece.subarray(0, taken), start + filled);
          filled += taken;
          leftover = taken < piece.length ? piece.subarray(taken) : undefined;
        }
        return filled;
      },
      close: async () => {
        await pieces.return(undefined); // closes the open directory and file handles
      },
    },
  });
}

/** The archive's bytes in order: each entry's headers, content and padding, then the end. */
async function* archivePieces(
  entries: AsyncIterable<WalkEntry>,
  onSkipped: OnSkipped,
): AsyncGenerator<Buffer, undefined> {
  let length = 0;
  for await (const entry of entries) {
    if (entry.kind !== 'file') {
      const header = tarHeader(entry);
      length += header.length;
      yield header;
      continue;
    }
    let handle;
    try {
      handle = await open(entry.path, 'r');
    } catch (error) {
      onSkipped(entry.path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    try {
      const header = tarHeader(entry);
      yield header;
      // Exactly the size in the header: bytes added meanwhile wait for the next download, and a
      // file that shrank is padded with zeros (as GNU tar does) so the archive stays readable.
      for (let done = 0; done < entry.size;) {
        const piece = Buffer.alloc(Math.min(READ_BYTES, entry.size - done));
        await handle.read(piece, 0, piece.length, done);
        done += piece.length;
        yield piece;
      }
      const pad = padding(entry.size);
      if (pad > 0) yield Buffer.alloc(pad);
      length += header.length + entry.size + pad;
    } finally {
      await handle.close();
    }
  }
  yield tarEnd(length);
  return undefined;
}
