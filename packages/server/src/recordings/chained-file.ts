import { open, type FileHandle } from 'node:fs/promises';
import { chainFileOf, chainHash } from './hash-chain.js';

/** A recording file written in synced chunks, each vouched for by its `.chain` sidecar. */
export interface ChainedFile {
  /** Appends a chunk: data written and synced first, then its chain line, synced. */
  writeChunk(chunk: Uint8Array): Promise<void>;
  /** Bytes written so far. */
  readonly sizeBytes: number;
  close(): Promise<void>;
}

/**
 * Creates `file` and its hash-chain sidecar (both new, mode 0600): the crash-safe chunk
 * machinery every recording format shares. A crash leaves whole synced chunks, and the sidecar
 * never vouches for bytes not yet on disk.
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
  let previousHash: Buffer | undefined;
  return {
    async writeChunk(chunk) {
      await writeFully(data, chunk, sizeBytes);
      await data.datasync();
      const hash = chainHash(previousHash, chunk);
      const entry = { offset: sizeBytes, length: chunk.byteLength, sha256: hash.toString('hex') };
      await writeFully(chain, Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8'), null);
      await chain.datasync();
      previousHash = hash;
      sizeBytes += chunk.byteLength;
    },
    get sizeBytes() {
      return sizeBytes;
    },
    async close() {
      await Promise.all([data.close(), chain.close()]);
    },
  };
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
