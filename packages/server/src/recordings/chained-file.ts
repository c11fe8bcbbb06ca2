import { createHash, type Hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { chainFileOf } from './hash-chain.js';

/** A recording file written in synced chunks, each vouched for by its `.chain` sidecar. */
export interface ChainedFile {
  /** Appends a chunk: data written and synced first, then its chain line, synced. */
  writeChunk(chunk: Uint8Array): Promise<void>;
  /**
   * Writes `bytes` at the end of the file now, synchronously: once this returns they are in
   * the kernel, so a kill of the server process cannot lose them (a power cut still can, until
   * {@link seal}). A write error is thrown.
   */
  append(bytes: Uint8Array): void;
  /**
   * Syncs what was appended since the last seal and adds its chain line (one chunk), synced.
   * Seals run one after another; the returned promise settles when this one is done.
   */
  seal(): Promise<void>;
  /** Bytes appended but not yet sealed (including a seal in progress). */
  readonly unsealedBytes: number;
  /** Bytes written so far. */
  readonly sizeBytes: number;
  close(): Promise<void>;
}

/**
 * Creates `file` and its hash-chain sidecar (both new, mode 0600): the crash-safe chunk
 * machinery every recording format shares. A killed server process loses nothing appended; a
 * power cut leaves whole synced chunks; the sidecar never vouches for bytes not yet synced.
 *
 * @example
 * const out = await openChainedFile(file);
 * await out.writeChunk(Buffer.from('{"version":2}\n'));
 */
export async function openChainedFile(file: string): Promise<ChainedFile> {
  const data = await open(file, 'wx', 0o600);
  let chain: FileHandle;
  try {
    chain = await open(chainFileOf(file), 'wx', 0o600);
  } catch (error) {
    await data.close();
    throw error;
  }
  let sizeBytes = 0;
  /** Start of the bytes not yet in a chain line, and their hash so far (chained to the last). */
  let sealedBytes = 0;
  let pending = nextLink(undefined);
  let sealing: Promise<void> = Promise.resolve();
  /** End of the bytes whose chain line is on disk. */
  let sealedOnDisk = 0;
  const chained = {
    append(bytes: Uint8Array): void {
      let written = 0;
      while (written < bytes.byteLength)
        written += writeSync(
          data.fd,
          bytes,
          written,
          bytes.byteLength - written,
          sizeBytes + written,
        );
      pending.hash.update(bytes);
      sizeBytes += bytes.byteLength;
    },
    seal(): Promise<void> {
      const entry = { offset: sealedBytes, length: sizeBytes - sealedBytes };
      if (entry.length === 0) return sealing;
      const hash = pending.hash.digest();
      pending = nextLink(hash);
      sealedBytes = sizeBytes;
      const line = `${JSON.stringify({ ...entry, sha256: hash.toString('hex') })}\n`;
      // The data is synced before its chain line is written: the sidecar never vouches for
      // bytes a power cut could still take.
      sealing = sealing.then(async () => {
        await data.datasync();
        await writeFully(chain, Buffer.from(line, 'utf8'), null);
        await chain.datasync();
        sealedOnDisk = entry.offset + entry.length;
      });
      return sealing;
    },
    get unsealedBytes() {
      return sizeBytes - sealedOnDisk;
    },
    async writeChunk(chunk: Uint8Array): Promise<void> {
      chained.append(chunk);
      await chained.seal();
    },
    get sizeBytes() {
      return sizeBytes;
    },
    async close() {
      await sealing.catch(() => undefined); // its error was reported to whoever awaited it
      await Promise.all([data.close(), chain.close()]);
    },
  };
  return chained;
}

/** The running hash of the next chain link, `sha256(previous link ‖ bytes…)` as `chainHash`. */
function nextLink(previous: Buffer | undefined): { hash: Hash } {
  const hash = createHash('sha256');
  if (previous) hash.update(previous);
  return { hash };
}

async function writeFully(
  handle: FileHandle,
  bytes: Uint8Array,
  position: number | null,
): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const at = position === null ? null : position + written;
    const result = await handle.write(bytes, written, bytes.byteLength - written, at);
    written += result.bytesWritten;
  }
}
