import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { AppError, type UploadVerification } from '@tether/protocol';
import { SFTP_STATUS, sftpStatusOf, type SftpSession } from './sftp-session.js';

/** One file and the name it gets in the remote folder: a local file, or bytes (a probe). */
export type UploadFile = { remoteName: string } & ({ localPath: string } | { content: Buffer });

/** What an upload left on the server. */
export interface UploadResult {
  /** The folder the files went to: the month folder, or the storage folder itself. */
  folder: string;
  /** The weakest verification among the files. */
  verification: UploadVerification;
  /** What was done differently from the usual, as sentences for people. */
  notices: string[];
  /** Remote path and SHA-256 of each file, in the order given. */
  files: {
    remotePath: string;
    sha256: string;
    size: number;
    alreadyThere: boolean;
    verification: UploadVerification;
  }[];
}

/**
 * SFTP statuses with which a server refuses a mkdir it does not allow this account (permission
 * denied, operation unsupported). A generic failure (a full disk) is reported, not worked around.
 */
const NOT_ALLOWED = new Set<number>([SFTP_STATUS.permissionDenied, SFTP_STATUS.opUnsupported]);

/** The month folder of a moment: `2024-05`. */
export function monthFolderOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/**
 * Uploads files into `folder/subfolder` (`folder` must exist), each one streamed to
 * `<name>.part`, verified, then renamed into place. Needs only write and rename in `folder`:
 * when the account may not create `subfolder`, the files go into `folder` itself; when it may
 * not read files back, a copy is verified by its size instead of by the SHA-256 of a read-back.
 * Both are reported. A file already there that passes the same check is left alone, so
 * repeating an upload interrupted after its rename stores nothing twice.
 *
 * @example
 * await uploadFiles(session, { folder: '/srv/tether', subfolder: '2024-05', files: [{ localPath, remoteName: `${id}.cast` }] });
 */
export async function uploadFiles(
  session: SftpSession,
  options: { folder: string; subfolder: string; files: UploadFile[] },
): Promise<UploadResult> {
  try {
    await requireFolder(session, options.folder);
    const { folder, notices } = await chooseFolder(session, options.folder, options.subfolder);
    const files: UploadResult['files'] = [];
    for (const file of options.files) {
      const remotePath = posix.join(folder, file.remoteName);
      files.push({ remotePath, ...(await uploadOne(session, file, remotePath)) });
    }
    const verification = files.some((file) => file.verification === 'size') ? 'size' : 'sha256';
    return { folder, verification, notices, files };
  } catch (error) {
    throw describeFailure(error, `upload into ${options.folder}`);
  }
}

async function requireFolder(session: SftpSession, folder: string): Promise<void> {
  const stats = await session.stat(folder).catch((error: unknown) => {
    throw describeFailure(error, `look at ${folder}`);
  });
  if (!stats?.isDirectory()) {
    throw new AppError(
      'NOT_FOUND',
      `The folder ${folder} does not exist on the SFTP server. Create it (writable by the upload account) or fix the path in the storage URL.`,
    );
  }
}

async function chooseFolder(
  session: SftpSession,
  base: string,
  subfolder: string,
): Promise<{ folder: string; notices: string[] }> {
  const folder = posix.join(base, subfolder);
  if ((await session.stat(folder))?.isDirectory()) return { folder, notices: [] };
  try {
    await session.mkdir(folder);
    return { folder, notices: [] };
  } catch (error) {
    // Another upload may have created it meanwhile.
    if ((await session.stat(folder))?.isDirectory()) return { folder, notices: [] };
    const status = sftpStatusOf(error);
    if (status === undefined || !NOT_ALLOWED.has(status))
      throw describeFailure(error, `create the folder ${folder}`);
    const reason = error instanceof Error ? error.message : String(error);
    return {
      folder: base,
      notices: [
        `The account may not create the month folder ${folder} (${reason}), so the files went into ${base} directly.`,
      ],
    };
  }
}

async function uploadOne(
  session: SftpSession,
  file: UploadFile,
  remotePath: string,
): Promise<Omit<UploadResult['files'][number], 'remotePath'>> {
  const local = await hashLocal(file);
  const existing = await session.stat(remotePath);
  if (existing?.size === local.size) {
    const verification = await verifyCopy(session, remotePath, local);
    if (verification) return { ...local, alreadyThere: true, verification };
  }
  const partPath = `${remotePath}.part`;
  try {
    await session.write(
      partPath,
      'content' in file ? Readable.from([file.content]) : createReadStream(file.localPath),
    );
    const written = await session.stat(partPath);
    const verification =
      written?.size === local.size ? await verifyCopy(session, partPath, local) : undefined;
    if (!verification) {
      throw new AppError(
        'UNAVAILABLE',
        `The copy of ${posix.basename(remotePath)} on the SFTP server differs from the recording (size ${written?.size ?? 'unknown'} instead of ${local.size}, or another SHA-256); it will be uploaded again.`,
      );
    }
    await session.rename(partPath, remotePath);
    return { ...local, alreadyThere: false, verification };
  } catch (error) {
    // Cleaning up needs the right to delete, which an upload does not otherwise need.
    await session.unlink(partPath).catch(() => undefined);
    throw error instanceof AppError ? error : describeFailure(error, `write ${remotePath}`);
  }
}

/**
 * How a copy whose size is already known to match was verified: by the SHA-256 of a read-back,
 * or by size alone when the server does not let the account read (a write-only account).
 * Undefined when the read-back differs.
 */
async function verifyCopy(
  session: SftpSession,
  path: string,
  local: { sha256: string; size: number },
): Promise<UploadVerification | undefined> {
  try {
    const copy = await session.hash(path);
    return copy.sha256 === local.sha256 && copy.size === local.size ? 'sha256' : undefined;
  } catch (error) {
    if (sftpStatusOf(error) === SFTP_STATUS.permissionDenied) return 'size';
    throw error;
  }
}

async function hashLocal(file: UploadFile): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  if ('content' in file)
    return { sha256: hash.update(file.content).digest('hex'), size: file.content.length };
  let size = 0;
  for await (const chunk of createReadStream(file.localPath) as AsyncIterable<Buffer>) {
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
