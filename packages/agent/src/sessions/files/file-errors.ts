import type { FileErrorCode, FileOperation, FileReply } from '@tether/protocol/file-frames';
import { PathRefusedError } from './file-roots.js';

/** A request the agent turns down with a specific code and message. */
export class FileRequestError extends Error {
  constructor(
    readonly code: FileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileRequestError';
  }
}

const systemMessages: Record<string, { code: FileErrorCode; text: string }> = {
  ENOENT: { code: 'not_found', text: 'does not exist; refresh the folder and try again' },
  EEXIST: { code: 'exists', text: 'already exists; choose another name' },
  ENOTEMPTY: { code: 'exists', text: 'is not empty' },
  EACCES: { code: 'failed', text: 'cannot be accessed: permission denied on the device' },
  EPERM: { code: 'failed', text: 'cannot be changed: operation not permitted on the device' },
  ENOTDIR: { code: 'invalid', text: 'is not a folder' },
  EISDIR: { code: 'invalid', text: 'is a folder, not a file' },
  ENOSPC: { code: 'failed', text: 'could not be written: the device is out of disk space' },
  EXDEV: { code: 'failed', text: 'cannot be moved across file systems' },
};

/**
 * The `error` reply for a failed request: a clear message naming the path, without internals
 * (stack traces and unexpected errors stay in the agent's log).
 *
 * @example
 * send(errorReply(error, { id, op: 'list', path }));
 */
export function errorReply(
  error: unknown,
  request: { id: number; op: FileOperation; path?: string },
): Extract<FileReply, { type: 'error' }> {
  const base = { type: 'error' as const, id: request.id, op: request.op };
  const withPath = request.path === undefined ? base : { ...base, path: request.path };
  if (error instanceof PathRefusedError)
    return { ...withPath, code: 'refused', message: error.message };
  if (error instanceof FileRequestError)
    return { ...withPath, code: error.code, message: error.message };
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = errno === undefined ? undefined : systemMessages[errno];
  const subject = request.path === undefined ? 'The file' : `"${request.path}"`;
  if (known) return { ...withPath, code: known.code, message: `${subject} ${known.text}.` };
  return {
    ...withPath,
    code: 'failed',
    message: `${request.op} of ${subject} failed on the device${errno ? ` (${errno})` : ''}; see the agent log.`,
  };
}
