import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileReply } from '@tether/protocol/file-frames';

/** One upload or download in progress; the session routes its frames here. */
export interface FileTransfer {
  /** The peer has consumed the bytes up to `offset` (downloads). */
  onAck(offset: number): void;
  /** Content at `offset` (uploads). */
  onData(offset: number, data: Uint8Array): void;
  /** The technician cancelled: stop and discard. */
  cancel(): Promise<void>;
  /** The session ended: stop, keep what can be resumed. */
  abort(): Promise<void>;
}

/** How a transfer talks to the session. */
export interface TransferLink {
  reply: (message: FileReply) => void;
  /** Sends a DATA frame; `onSent` runs once it was handed to the socket. */
  sendData: (frame: Uint8Array, onSent: () => void) => void;
  /** The transfer is over (done, failed or cancelled). */
  onFinished: () => void;
}

/**
 * A SHA-256 over the first `length` bytes of a file (the part kept from an earlier attempt),
 * so a resumed transfer still reports the hash of the whole file.
 *
 * @example
 * const hash = await hashPrefix('/home/ana/big.iso', 1_048_576);
 */
export async function hashPrefix(file: string, length: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (length === 0) return hash;
  const stream = createReadStream(file, { start: 0, end: length - 1, highWaterMark: 1024 * 1024 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash;
}
