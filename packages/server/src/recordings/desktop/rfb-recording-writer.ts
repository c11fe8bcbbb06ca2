import type { CancelTimer, Clock } from '../../clock.js';
import { openChainedFile } from '../chained-file.js';
import type { RfbRecordingHeader } from './rfb-recording.js';

/** A desktop recording being written; see {@link openRfbRecordingWriter}. */
export interface RfbRecordingWriter {
  /** Appends bytes the device sent, stamped now. */
  output(bytes: Uint8Array): void;
  onError(listener: (error: Error) => void): void;
  /** True while much waits for the disk; the relay then holds the agent. */
  readonly isCongested: boolean;
  onRelieved(listener: () => void): void;
  close(): Promise<{ durationMs: number; sizeBytes: number }>;
}

const FLUSH_INTERVAL_MS = 250;
const CONGESTED_BYTES = 8 * 1024 * 1024;

/**
 * Creates a `tether-rfb-v1` recording with its `.chain` sidecar. Events are kept in memory at
 * most ~250 ms, then written as one chunk of whole lines, synced and hash-chained (the same
 * machinery as terminal recordings), so a crash loses at most that much; a reader drops a torn
 * last line.
 *
 * @example
 * const writer = await openRfbRecordingWriter({ file, header, clock });
 * writer.output(bytes);
 */
export async function openRfbRecordingWriter(options: {
  file: string;
  header: RfbRecordingHeader;
  clock: Clock;
}): Promise<RfbRecordingWriter> {
  const out = await openChainedFile(options.file);
  const startedAt = options.clock.now().getTime();
  const elapsedMs = (): number => options.clock.now().getTime() - startedAt;
  let lines: string[] = [];
  let bufferedBytes = 0;
  let failure: Error | undefined;
  const errorListeners: ((error: Error) => void)[] = [];
  let relieved: (() => void)[] = [];
  let cancelFlush: CancelTimer | undefined;
  const fail = (error: unknown): void => {
    if (failure) return;
    failure = error instanceof Error ? error : new Error(String(error));
    for (const listener of errorListeners) listener(failure);
  };
  let queue = out.writeChunk(Buffer.from(`${JSON.stringify(options.header)}\n`, 'utf8'));
  try {
    await queue;
  } catch (error) {
    await out.close();
    throw error;
  }
  const flush = (): void => {
    cancelFlush?.();
    cancelFlush = undefined;
    if (lines.length === 0) return;
    const chunk = Buffer.from(lines.join(''), 'utf8');
    lines = [];
    queue = queue
      .then(() => out.writeChunk(chunk))
      .then(() => {
        bufferedBytes -= chunk.length;
        if (bufferedBytes < CONGESTED_BYTES / 2 && relieved.length > 0) {
          const listeners = relieved;
          relieved = [];
          for (const listener of listeners) listener();
        }
      })
      .catch(fail);
  };
  return {
    output(bytes) {
      if (failure) return;
      const t = elapsedMs();
      const line = `${JSON.stringify([t, Buffer.from(bytes).toString('base64')])}\n`;
      lines.push(line);
      bufferedBytes += Buffer.byteLength(line);
      cancelFlush ??= options.clock.setTimer(flush, FLUSH_INTERVAL_MS);
    },
    onError(listener) {
      errorListeners.push(listener);
    },
    get isCongested() {
      return bufferedBytes >= CONGESTED_BYTES;
    },
    onRelieved(listener) {
      relieved.push(listener);
    },
    async close() {
      cancelFlush?.();
      // The end, as an event without bytes: a still screen sends nothing for minutes, and the
      // recording must still last as long as the session did.
      if (!failure) lines.push(`${JSON.stringify([elapsedMs(), ''])}\n`);
      flush();
      await queue;
      await out.close();
      if (failure) throw failure;
      return { durationMs: elapsedMs(), sizeBytes: out.sizeBytes };
    },
  };
}
