import { Transform, type TransformCallback } from 'node:stream';

/**
 * The one place that writes tar (POSIX ustar) entries for agent builds and packages. Builds are
 * stored as entries WITHOUT the end-of-archive blocks (see ports/agent-builds.ts), so a package
 * appends its own entries and then {@link END_OF_ARCHIVE}: gzip members concatenate into one
 * valid `.tar.gz`, which `tar`, `dpkg-deb` and Node's gunzip all read.
 */

const BLOCK = 512;

/** Two zero blocks: the end of a tar archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

export interface TarEntryHeader {
  /** Relative, `/`-separated; a directory's path has no trailing slash. */
  path: string;
  type: 'file' | 'directory';
  /** Permission bits, e.g. 0o755. */
  mode: number;
  /** Bytes of content (0 for a directory). */
  size: number;
  /** Seconds since the epoch. Packages use a fixed time, so the same input gives the same bytes. */
  mtimeSec: number;
}

/** The fixed time of every entry: packages are reproducible, and tar needs no clock. */
export const ENTRY_MTIME_SEC = 0;

function writeText(block: Buffer, offset: number, length: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > length) throw new Error(`tar field too long: "${text}"`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeText(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

/** Splits a long path into ustar's prefix (155 bytes) and name (100 bytes) at a slash. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  throw new Error(`Path too long for a tar entry: "${path}"`);
}

function setChecksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeText(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
}

/**
 * The 512-byte header of one entry (owner root:root, numeric only).
 *
 * @example
 * const header = ustarHeader({ path: 'tether-agent', type: 'file', mode: 0o755, size: 420, mtimeSec: 0 });
 */
export function ustarHeader(entry: TarEntryHeader): Buffer {
  const block = Buffer.alloc(BLOCK);
  const { prefix, name } = splitPath(entry.type === 'directory' ? `${entry.path}/` : entry.path);
  writeText(block, 0, 100, name);
  writeOctal(block, 100, 8, entry.mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, entry.type === 'file' ? entry.size : 0);
  writeOctal(block, 136, 12, entry.mtimeSec);
  writeText(block, 156, 1, entry.type === 'file' ? '0' : '5');
  writeText(block, 257, 6, 'ustar\0');
  writeText(block, 263, 2, '00');
  writeText(block, 265, 32, 'root');
  writeText(block, 297, 32, 'root');
  writeText(block, 345, 155, prefix);
  setChecksum(block);
  return block;
}

/** The zero bytes that fill a file's content up to a whole block. */
export function ustarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** A whole small file entry (header, content, padding), for per-package files held in memory. */
export function ustarFile(path: string, content: Buffer, mode = 0o644): Buffer {
  const header = ustarHeader({
    path,
    type: 'file',
    mode,
    size: content.length,
    mtimeSec: ENTRY_MTIME_SEC,
  });
  return Buffer.concat([header, content, ustarPadding(content.length)]);
}

/** A directory entry. */
export function ustarDirectory(path: string): Buffer {
  return ustarHeader({ path, type: 'directory', mode: 0o755, size: 0, mtimeSec: ENTRY_MTIME_SEC });
}

function readOctal(block: Buffer, offset: number, length: number): number {
  const text = block.toString('ascii', offset, offset + length).replace(/[\0 ]+$/g, '');
  return text === '' ? 0 : parseInt(text, 8);
}

function readText(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end === -1 ? length : end);
}

/**
 * A stream of tar entries (no end-of-archive) in, the same entries under `prefix` out: the
 * `.deb` puts a build's files under `usr/lib/tether-agent/package/`. Content passes through as is;
 * only headers are rewritten (path and checksum).
 *
 * @example
 * body.pipe(createGunzip()).pipe(prefixTarPaths('usr/lib/tether-agent/package')).pipe(createGzip());
 */
export function prefixTarPaths(prefix: string): Transform {
  let pending: Buffer = Buffer.alloc(0);
  /** Bytes of content (with padding) still to pass through before the next header. */
  let contentLeft = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      try {
        while (pending.length > 0) {
          if (contentLeft > 0) {
            const take = Math.min(contentLeft, pending.length);
            this.push(pending.subarray(0, take));
            pending = pending.subarray(take);
            contentLeft -= take;
            continue;
          }
          if (pending.length < BLOCK) break;
          const header = pending.subarray(0, BLOCK);
          pending = pending.subarray(BLOCK);
          this.push(renamed(header, prefix));
          const size = readOctal(header, 124, 12);
          contentLeft = size + ustarPadding(size).length;
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      callback(
        pending.length > 0 || contentLeft > 0
          ? new Error('The build body ends inside a tar entry.')
          : null,
      );
    },
  });
}

function renamed(header: Buffer, prefix: string): Buffer {
  if (header.every((byte) => byte === 0)) {
    throw new Error('The build body holds an end-of-archive block: it is not a build body.');
  }
  const oldPrefix = readText(header, 345, 155);
  const name = readText(header, 0, 100);
  const path = `${prefix}/${oldPrefix === '' ? '' : `${oldPrefix}/`}${name}`;
  const copy = Buffer.from(header);
  const split = splitPath(path);
  copy.fill(0, 0, 100);
  copy.fill(0, 345, 500);
  writeText(copy, 0, 100, split.name);
  writeText(copy, 345, 155, split.prefix);
  setChecksum(copy);
  return copy;
}
