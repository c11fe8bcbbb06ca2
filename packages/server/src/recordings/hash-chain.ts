import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The sidecar of a recording, `<file>.chain`: one JSON line per chunk written to the file,
 * `{"offset":0,"length":213,"sha256":"…"}`, where `sha256` is SHA-256 of the previous chunk's
 * hash (32 raw bytes; nothing for the first chunk) followed by the chunk's bytes. Editing,
 * removing or reordering any chunk breaks every hash after it.
 */
export const ChainEntry = z.object({
  offset: z.int().nonnegative(),
  length: z.int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ChainEntry = z.infer<typeof ChainEntry>;

/** The sidecar file that holds the hash chain of `file`. */
export function chainFileOf(file: string): string {
  return `${file}.chain`;
}

/**
 * The next link of the chain.
 *
 * @example
 * const first = chainHash(undefined, headerBytes);
 * const second = chainHash(first, nextChunk);
 */
export function chainHash(previous: Uint8Array | undefined, chunk: Uint8Array): Buffer {
  const hash = createHash('sha256');
  if (previous) hash.update(previous);
  return hash.update(chunk).digest();
}

/** What checking a file against its chain found. */
export interface ChainCheck {
  /** Chunks whose hash matched, in order from the start of the file. */
  chunksVerified: number;
  /** Bytes from the start of the file that the verified chunks cover. */
  verifiedBytes: number;
  /** Every complete sidecar line parsed, was contiguous and matched the file. */
  isIntact: boolean;
}

/**
 * Checks `data` against the sidecar text. An incomplete last sidecar line (a crash while it was
 * being written) is ignored; anything else that does not match makes the result not intact.
 */
export function verifyChain(data: Uint8Array, sidecar: string): ChainCheck {
  const complete = sidecar.slice(0, sidecar.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').filter((line) => line.length > 0);
  let previous: Buffer | undefined;
  let verifiedBytes = 0;
  let chunksVerified = 0;
  for (const line of lines) {
    const entry = parseEntry(line);
    if (!entry || entry.offset !== verifiedBytes || entry.offset + entry.length > data.byteLength)
      break;
    const hash = chainHash(previous, data.subarray(entry.offset, entry.offset + entry.length));
    if (hash.toString('hex') !== entry.sha256) break;
    previous = hash;
    verifiedBytes += entry.length;
    chunksVerified += 1;
  }
  return {
    chunksVerified,
    verifiedBytes,
    isIntact: chunksVerified > 0 && chunksVerified === lines.length,
  };
}

function parseEntry(line: string): ChainEntry | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = ChainEntry.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
