import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { AppError } from '@tether/protocol';

const BLOCK = 512;

/**
 * Writes an uploaded body to `file`, refusing it past `maxBytes` (the half-written file is the
 * caller's to remove). Nothing is held in memory beyond the stream's own chunks.
 *
 * @example
 * await receiveUpload(request.raw, join(staging, 'archive.tar.gz'), MAX_BUILD_UPLOAD_BYTES);
 */
export async function receiveUpload(
  body: Readable,
  file: string,
  maxBytes: number,
): Promise<number> {
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > maxBytes)
        callback(
          new AppError(
            'INVALID_INPUT',
            `The archive is larger than ${Math.round(maxBytes / 2 ** 20)} MiB: not an agent build.`,
          ),
        );
      else callback(null, chunk);
    },
  });
  await pipeline(body, counter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  if (received === 0) throw new AppError('INVALID_INPUT', 'The upload is empty: send the .tar.gz.');
  return received;
}

/** Reads exact byte counts from a stream of chunks: 512-byte headers, then file contents. */
function byteReader(source: AsyncIterable<Buffer>) {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Buffer = Buffer.alloc(0);
  const more = async (): Promise<boolean> => {
    const next = await iterator.next();
    if (next.done) return false;
    pending = pending.length === 0 ? next.value : Buffer.concat([pending, next.value]);
    return true;
  };
  return {
    /** Exactly `count` bytes, or undefined when the stream ends first. */
    async take(count: number): Promise<Buffer | undefined> {
      while (pending.length < count) if (!(await more())) return undefined;
      const taken = pending.subarray(0, count);
      pending = pending.subarray(count);
      return taken;
    },
    /** `count` bytes in pieces, so a large file never sits in memory whole. */
    async *pieces(count: number): AsyncGenerator<Buffer> {
      let left = count;
      while (left > 0) {
        if (pending.length === 0 && !(await more())) throw truncated();
        const piece = pending.subarray(0, left);
        pending = pending.subarray(piece.length);
        left -= piece.length;
        yield piece;
      }
    },
  };
}

function truncated(): AppError {
  return new AppError(
    'INVALID_INPUT',
    'The archive ends in the middle of a file: upload it again.',
  );
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end === -1 ? length : end);
}

function octal(block: Buffer, offset: number, length: number): number {
  const text = field(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new AppError('INVALID_INPUT', 'The archive is not a tar file.');
  return text === '' ? 0 : parseInt(text, 8);
}

function isChecksumRight(block: Buffer): boolean {
  let sum = 0;
  for (let index = 0; index < BLOCK; index += 1)
    sum += index >= 148 && index < 156 ? 0x20 : (block[index] ?? 0);
  return sum === octal(block, 148, 8);
}

/** A member's path made relative and safe: no absolute path, no `..`; `''` is the root. */
function safePath(name: string): string {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (name.startsWith('/') || parts.some((part) => part === '..'))
    throw new AppError('INVALID_INPUT', `The archive names a path outside itself: "${name}".`);
  return parts.join('/');
}

/** The `path` record of a pax extended header, when it has one. */
function paxPath(records: Buffer): string | undefined {
  const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(records.toString('utf8'));
  return match?.[1];
}

/**
 * Unpacks a `.tar.gz` agent build (or package) into the empty folder `dir`. Only what a build
 * holds is accepted: regular files (permission bits kept, set-id bits dropped) and folders.
 * Links, devices, paths outside `dir`, a bad header checksum and more than `maxBytes` of
 * content are refused with `INVALID_INPUT`; the caller removes `dir` then.
 *
 * @example
 * await unpackBuildArchive(join(staging, 'archive.tar.gz'), join(staging, 'unpacked'), MAX_BUILD_UNPACKED_BYTES);
 */
export async function unpackBuildArchive(
  archive: string,
  dir: string,
  maxBytes: number,
): Promise<void> {
  const source = createReadStream(archive).pipe(createGunzip());
  try {
    await unpackEntries(source, dir, maxBytes);
  } catch (error) {
    throw asArchiveError(error);
  } finally {
    source.destroy();
  }
}

/** What the file system or gzip said about a bad archive, as the uploader's error. */
function asArchiveError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code.startsWith('Z_'))
    return new AppError('INVALID_INPUT', 'The upload is not a gzip-compressed archive (.tar.gz).');
  if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR')
    return new AppError(
      'INVALID_INPUT',
      'The archive names the same path twice (or a file as a folder): not an agent build.',
    );
  return error;
}

async function unpackEntries(source: Readable, dir: string, maxBytes: number): Promise<void> {
  const reader = byteReader(source);
  let total = 0;
  let longName: string | undefined;
  let entries = 0;
  for (;;) {
    const header = await reader.take(BLOCK);
    if (!header) {
      if (entries === 0) throw new AppError('INVALID_INPUT', 'The archive is empty.');
      return; // builds are stored without the end-of-archive blocks: the end of data ends it
    }
    if (header.every((byte) => byte === 0)) return;
    if (!isChecksumRight(header))
      throw new AppError(
        'INVALID_INPUT',
        'The archive is damaged (a tar header checksum is wrong).',
      );
    const size = octal(header, 124, 12);
    const type = field(header, 156, 1) || '0';
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x' || type === 'g') {
      if (size > 64 * 1024) throw new AppError('INVALID_INPUT', 'The archive has a huge header.');
      const content = await reader.take(padded);
      if (!content) throw truncated();
      if (type === 'L') longName = field(content, 0, size);
      if (type === 'x') longName = paxPath(content.subarray(0, size)) ?? longName;
      continue;
    }
    const prefix = field(header, 345, 155);
    const name =
      longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    entries += 1;
    const relative = safePath(name);
    const path = join(dir, relative);
    if (type === '5') {
      await mkdir(path, { recursive: true, mode: 0o755 });
      continue;
    }
    if (relative === '')
      throw new AppError('INVALID_INPUT', `The archive names a file without a name: "${name}".`);
    if (type !== '0' && type !== '7')
      throw new AppError(
        'INVALID_INPUT',
        `The archive holds "${name}", which is not a regular file or folder (links and devices are refused).`,
      );
    total += size;
    if (total > maxBytes)
      throw new AppError(
        'INVALID_INPUT',
        `The archive unpacks to more than ${Math.round(maxBytes / 2 ** 20)} MiB: not an agent build.`,
      );
    await mkdir(join(path, '..'), { recursive: true, mode: 0o755 });
    // `wx`: an archive naming one file twice is refused, never silently overwritten.
    const mode = octal(header, 100, 8) & 0o755;
    await pipeline(reader.pieces(size), createWriteStream(path, { flags: 'wx', mode }));
    if (padded > size && !(await reader.take(padded - size))) throw truncated();
  }
}

/**
 * The folder of the build inside an unpacked archive: the folder itself, or its one top folder
 * (`tar czf build.tar.gz tether-agent/` wraps it).
 */
export async function buildRootOf(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  const [only] = entries;
  if (entries.length === 1 && only?.isDirectory() && only.name !== 'versions') {
    const inner = join(dir, only.name);
    if ((await stat(join(inner, 'versions')).catch(() => undefined))?.isDirectory()) return inner;
  }
  return dir;
}
