import { constants } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FILE_WINDOW_BYTES, type FileRequest } from '@tether/protocol/file-frames';
import { errorReply, FileRequestError } from './file-errors.js';
import type { FileRoots } from './file-roots.js';
import { hashPrefix, type FileTransfer, type TransferLink } from './file-transfer.js';

/**
 * Written bytes are flushed to the disk in the background every this many, so the sync that
 * completes an upload waits for the last part only: a whole 100 MB file still in the page cache
 * took a tenth of its transfer time to sync at the end.
 */
const EARLY_SYNC_BYTES = 16 * 1024 * 1024;

/** Where an upload is written until it is complete (then it is renamed over the target). */
export function partialFileOf(target: string): string {
  return join(dirname(target), `.${basename(target)}.tether-part`);
}

async function sizeOf(file: string): Promise<number | undefined> {
  return stat(file).then(
    (info) => info.size,
    () => undefined,
  );
}

async function checkTarget(roots: FileRoots, path: string): Promise<string> {
  const target = await roots.entry(path);
  const existing = await stat(target).catch(() => undefined);
  if (!existing) return target;
  // An existing target is overwritten: it must itself resolve inside the roots (no symlink out).
  await roots.existing(path);
  if (!existing.isFile())
    throw new FileRequestError('invalid', `"${path}" is a folder; upload into it instead.`);
  return target;
}

/**
 * Receives a file into a partial file beside the target, acknowledging each chunk once written,
 * and renames it over the target when all bytes are in. A cut upload keeps its partial file; an
 * upload with `resume` continues from its size.
 *
 * @example
 * const transfer = await startUpload(request, { roots, link });
 */
export async function startUpload(
  request: Extract<FileRequest, { type: 'upload' }>,
  options: { roots: FileRoots; link: TransferLink },
): Promise<FileTransfer> {
  const { link } = options;
  const target = await checkTarget(options.roots, request.path);
  const partial = partialFileOf(target);
  const kept = request.resume ? ((await sizeOf(partial)) ?? 0) : 0;
  const offset = Math.min(kept, request.size);
  // O_NOFOLLOW: a symlink planted under the partial file's name must not send the bytes elsewhere.
  const handle = await open(
    partial,
    constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW,
    0o600,
  );
  let expected = offset;
  let written = offset;
  let isOver = false;
  let queue = Promise.resolve();
  let syncedUpTo = offset;
  let syncing: Promise<void> | undefined;
  const syncEarly = (): void => {
    if (syncing || written - syncedUpTo < EARLY_SYNC_BYTES) return;
    syncedUpTo = written;
    // Not awaited by the writes; a failure here shows again in the sync that completes.
    syncing = handle
      .datasync()
      .catch(() => undefined)
      .finally(() => (syncing = undefined));
  };
  const reply = link.reply;
  try {
    await handle.truncate(offset);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const hash = await hashPrefix(partial, offset);
  /** Ends the transfer from outside the write queue (cancel, session end): waits for it. */
  const finish = async (outcome: 'keep' | 'discard'): Promise<void> => {
    if (isOver) return;
    isOver = true;
    await queue;
    await syncing;
    await handle.close();
    if (outcome === 'discard') await unlink(partial).catch(() => undefined); // may be gone already
    link.onFinished();
  };
  /** Ends the transfer from inside the write queue (so it must not wait for the queue). */
  const fail = async (error: unknown): Promise<void> => {
    if (isOver) return;
    isOver = true;
    reply(errorReply(error, { id: request.id, op: 'upload', path: target }));
    await syncing;
    await handle.close();
    link.onFinished();
  };
  const complete = async (): Promise<void> => {
    await syncing;
    await handle.sync();
    await rename(partial, target);
    isOver = true;
    const sha256 = hash.digest('hex');
    reply({ type: 'done', id: request.id, op: 'upload', path: target, size: request.size, sha256 });
    await handle.close();
    link.onFinished();
  };
  reply({ type: 'ready', id: request.id, op: 'upload', path: target, offset, size: request.size });
  if (offset === request.size) queue = queue.then(complete).catch(fail);
  return {
    onAck() {
      queue = queue.then(() =>
        fail(
          new FileRequestError(
            'invalid',
            'An upload is acknowledged by the device, not the console.',
          ),
        ),
      );
    },
    onData(at, data) {
      if (isOver) return;
      if (
        at !== expected ||
        expected + data.length > request.size ||
        expected - written > 2 * FILE_WINDOW_BYTES
      ) {
        queue = queue.then(() =>
          fail(
            new FileRequestError(
              'invalid',
              `Upload data out of order at byte ${at}; resume the upload.`,
            ),
          ),
        );
        return;
      }
      expected += data.length;
      const copy = Buffer.from(data.buffer, data.byteOffset, data.length);
      // Hashed now, in order of arrival (checked above), so the hash runs on this thread while
      // the previous chunks are written by the file system's threads, not after each write.
      hash.update(copy);
      queue = queue
        .then(async () => {
          if (isOver) return;
          await handle.write(copy, 0, copy.length, at);
          written = at + copy.length;
          syncEarly();
          reply({ type: 'ack', id: request.id, offset: written });
          if (written === request.size) await complete();
        })
        .catch(fail);
    },
    cancel: async () => {
      if (isOver) return;
      reply(
        errorReply(new FileRequestError('cancelled', 'Upload cancelled.'), {
          id: request.id,
          op: 'upload',
          path: target,
        }),
      );
      await finish('discard');
    },
    abort: () => finish('keep'),
  };
}
