import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { AppError } from '@tether/protocol';
import { SFTP_STATUS, sftpStatusOf, type SftpSession } from './sftp-session.js';

/** One local file and the name it gets in the remote folder. */
export interface UploadFile {
  localPath: string;
  remoteName: string;
}

/** What an upload left on the server. */
export interface UploadResult {
  /** Remote path and SHA-256 of each file, in the order given. */
  files: { remotePath: string; sha256: string; size: number; alreadyThere: boolean }[];
}

/**
 * Uploads files into `folder/subfolder` (created when missing; `folder` must exist), each one
 * streamed to `<name>.part`, verified by size and SHA-256 of a read-back, then renamed into
 * place. A file already there with the same size and hash is left alone, so repeating an
 * upload that was interrupted after its rename stores nothing twice.
 *
 * @example
 * await uploadFiles(session, { folder: '/srv/tether', subfolder: '2024-05', files: [{ localPath, remoteName: `${id}.cast` }] });
 */
export async function uploadFiles(
  session: SftpSession,
  options: { folder: string; subfolder: string; files: UploadFile[] },
): Promise<UploadResult> {
  const folder = posix.join(options.folder, options.subfolder);
  await ensureFolder(session, options.folder, folder);
  const files: UploadResult['files'] = [];
  for (const file of options.files) {
    const remotePath = posix.join(folder, file.remoteName);
    files.push({ remotePath, ...(await uploadOne(session, file.localPath, remotePath)) });
  }
  return { files };
}

async function ensureFolder(session: SftpSession, base: string, folder: string): Promise<void> {
  const baseStat = await session.stat(base).catch((error: unknown) => {
    throw describeFailure(error, `look at ${base}`);
  });
  if (!baseStat?.isDirectory()) {
    throw new AppError(
      'NOT_FOUND',
      `The folder ${base} does not exist on the SFTP server. Create it (writable by the upload account) or fix the path in the storage URL.`,
    );
  }
  if ((await session.stat(folder))?.isDirectory()) return;
  await session.mkdir(folder).catch(async (error: unknown) => {
    // Another upload may have created it meanwhile.
    if ((await session.stat(folder))?.isDirectory()) return;
    throw describeFailure(error, `create the folder ${folder}`);
  });
}

async function uploadOne(
  session: SftpSession,
  localPath: string,
  remotePath: string,
): Promise<{ sha256: string; size: number; alreadyThere: boolean }> {
  const local = await hashLocal(localPath);
  const existing = await session.stat(remotePath);
  if (existing?.size === local.size) {
    const remote = await session.hash(remotePath);
    if (remote.sha256 === local.sha256) return { ...local, alreadyThere: true };
  }
  const partPath = `${remotePath}.part`;
  try {
    await session.write(partPath, createReadStream(localPath));
    const written = await session.stat(partPath);
    const copy = written?.size === local.size ? await session.hash(partPath) : undefined;
    if (copy?.sha256 !== local.sha256 || copy.size !== local.size) {
      throw new AppError(
        'UNAVAILABLE',
        `The copy of ${posix.basename(remotePath)} on the SFTP server differs from the recording (size ${written?.size ?? 'unknown'} instead of ${local.size}, or another SHA-256); it will be uploaded again.`,
      );
    }
    await session.rename(partPath, remotePath);
  } catch (error) {
    await session.unlink(partPath).catch(() => undefined);
    throw error instanceof AppError ? error : describeFailure(error, `write ${remotePath}`);
  }
  return { ...local, alreadyThere: false };
}

async function hashLocal(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** An SFTP or connection error as a sentence that says what to check. */
export function describeFailure(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  const status = sftpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === SFTP_STATUS.permissionDenied) {
    return new AppError(
      'FORBIDDEN',
      `The SFTP server refused to ${action}: permission denied. Give the upload account write access to the storage folder.`,
    );
  }
  if (status === SFTP_STATUS.failure) {
    return new AppError(
      'UNAVAILABLE',
      `The SFTP server failed to ${action} (${message}); its disk may be full or a quota reached. Free space on the server; the upload is retried.`,
    );
  }
  if (status === SFTP_STATUS.noSuchFile) {
    return new AppError(
      'NOT_FOUND',
      `The SFTP server could not ${action}: no such file or folder.`,
    );
  }
  return new AppError(
    'UNAVAILABLE',
    `The connection to the SFTP server was lost while trying to ${action} (${message}); the upload is retried.`,
  );
}
