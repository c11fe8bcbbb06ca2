import type { CancelTimer, Clock } from '../clock.js';
import { eventLine, type AsciicastHeader } from './asciicast-format.js';
import { openChainedFile, type ChainedFile } from './chained-file.js';

/** Options of {@link openAsciicastWriter}. */
export interface AsciicastWriterOptions {
  /** The `.cast` file to create; it must not exist yet. Its sidecar is `<file>.chain`. */
  file: string;
  width: number;
  height: number;
  startedAt: Date;
  title?: string;
  env?: Record<string, string>;
  /** Milliseconds; event times are measured from its value when the writer opens. */
  clock: Clock;
  /** Longest time a written event waits before it is synced and chained. */
  flushIntervalMs?: number;
  /** Sync at once when this much is written but not synced, without waiting for the interval. */
  flushBytes?: number;
  /** Ask the relay to hold the source once this much waits for its sync (see `isCongested`). */
  congestedBytes?: number;
  /** Fail (see `onError`) rather than run more than this ahead of the disk's syncs. */
  maxBufferedBytes?: number;
}

/** What {@link AsciicastWriter.close} reports. */
export interface RecordingSummary {
  durationMs: number;
  sizeBytes: number;
}

/** A terminal recording being written. */
export interface AsciicastWriter {
  readonly file: string;
  /** Terminal output, raw bytes as the pty produced them (UTF-8 may be split across calls). */
  output(bytes: Uint8Array): void;
  resize(cols: number, rows: number): void;
  /** Called once if the recording cannot be written; later events are dropped. */
  onError(listener: (error: Error) => void): void;
  /** True while more than `congestedBytes` wait for their sync; the relay then holds the source. */
  readonly isCongested: boolean;
  /** Called once, the next time the backlog is written out below `flushBytes`. */
  onRelieved(listener: () => void): void;
  /** Writes what is left, syncs and closes; rejects with the write error if there was one. */
  close(): Promise<RecordingSummary>;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 250;
const DEFAULT_FLUSH_BYTES = 1024 * 1024;
const DEFAULT_CONGESTED_BYTES = 4 * 1024 * 1024;
/** Beyond the congestion mark only a source that ignores backpressure can push the backlog. */
const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/**
 * Creates a recording file and its hash-chain sidecar, with the header already on disk.
 * Each event is written to the file as it comes (a killed server process loses none of them);
 * they are synced and chained in chunks (a power cut loses at most the last flush interval).
 *
 * @example
 * const writer = await openAsciicastWriter({ file, width: 80, height: 24, startedAt: new Date(), clock });
 * writer.onError((error) => endSession(error));
 * writer.output(ptyBytes);
 * const { durationMs, sizeBytes } = await writer.close();
 */
export async function openAsciicastWriter(
  options: AsciicastWriterOptions,
): Promise<AsciicastWriter> {
  const out = await openChainedFile(options.file);
  try {
    const writer = new ChunkedAsciicastWriter(options, out);
    await writer.start(headerOf(options));
    return writer;
  } catch (error) {
    await out.close();
    throw error;
  }
}

function headerOf(options: AsciicastWriterOptions): AsciicastHeader {
  return {
    version: 2,
    width: options.width,
    height: options.height,
    timestamp: Math.floor(options.startedAt.getTime() / 1000),
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.env === undefined ? {} : { env: options.env }),
  };
}

class ChunkedAsciicastWriter implements AsciicastWriter {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly startMs: number;
  private lastSeconds = 0;
  private sealing: Promise<void> | undefined;
  private cancelSeal: CancelTimer | undefined;
  private isClosing = false;
  private closed: Promise<RecordingSummary> | undefined;
  private failure: Error | undefined;
  private readonly errorListeners: ((error: Error) => void)[] = [];
  private readonly relievedListeners: (() => void)[] = [];

  constructor(
    private readonly options: AsciicastWriterOptions,
    private readonly out: ChainedFile,
  ) {
    this.startMs = options.clock.now().getTime();
  }

  get file(): string {
    return this.options.file;
  }

  async start(header: AsciicastHeader): Promise<void> {
    await this.out.writeChunk(Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'));
  }

  output(bytes: Uint8Array): void {
    if (this.isClosing || this.failure) return;
    this.appendOutput(this.decoder.decode(bytes, { stream: true }));
  }

  resize(cols: number, rows: number): void {
    if (this.isClosing || this.failure) return;
    this.append(eventLine(this.elapsedSeconds(), 'r', `${cols}x${rows}`));
  }

  onError(listener: (error: Error) => void): void {
    const failure = this.failure;
    if (failure) queueMicrotask(() => listener(failure));
    else this.errorListeners.push(listener);
  }

  get isCongested(): boolean {
    return this.out.unsealedBytes >= (this.options.congestedBytes ?? DEFAULT_CONGESTED_BYTES);
  }

  onRelieved(listener: () => void): void {
    this.relievedListeners.push(listener);
  }

  close(): Promise<RecordingSummary> {
    this.closed ??= this.finish();
    return this.closed;
  }

  private async finish(): Promise<RecordingSummary> {
    // An incomplete UTF-8 sequence at the very end is written as U+FFFD rather than lost.
    this.appendOutput(this.decoder.decode());
    const durationMs = Math.round(this.elapsedSeconds() * 1000);
    this.isClosing = true;
    await this.sealing;
    await this.seal();
    this.cancelSeal?.();
    this.cancelSeal = undefined;
    await this.out.close();
    if (this.failure) throw this.failure;
    return { durationMs, sizeBytes: this.out.sizeBytes };
  }

  private appendOutput(text: string): void {
    if (text.length > 0) this.append(eventLine(this.elapsedSeconds(), 'o', text));
  }

  /**
   * Writes the event at once (synchronously, into the kernel): the relay forwards output to the
   * technician after the tap returns, so whatever a technician has seen is in the file, and a
   * killed server loses none of it. Syncing and chaining follow in chunks (see `seal`).
   */
  private append(line: string): void {
    const bytes = Buffer.from(line, 'utf8');
    const limit = this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    if (this.out.unsealedBytes + bytes.byteLength > limit) {
      this.fail(
        new Error(
          `The recording ${this.file} fell more than ${limit} bytes behind: the disk is too slow or stuck.`,
        ),
      );
      return;
    }
    try {
      this.out.append(bytes);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.out.unsealedBytes >= (this.options.flushBytes ?? DEFAULT_FLUSH_BYTES)) this.sealSoon();
    else
      this.cancelSeal ??= this.options.clock.setTimer(
        () => this.sealSoon(),
        this.options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      );
  }

  private elapsedSeconds(): number {
    const micros = Math.round((this.options.clock.now().getTime() - this.startMs) * 1000);
    // Wall clocks can step back; event times in a recording never do.
    this.lastSeconds = Math.max(this.lastSeconds, micros / 1e6);
    return this.lastSeconds;
  }

  /** Starts a seal nobody waits for; a failure ends the recording like a failed write. */
  private sealSoon(): void {
    this.seal().catch((error: unknown) =>
      this.fail(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Syncs and chains what was written, or joins the seal in progress. Never rejects. */
  private seal(): Promise<void> {
    this.sealing ??= this.drain().finally(() => (this.sealing = undefined));
    return this.sealing;
  }

  private async drain(): Promise<void> {
    this.cancelSeal?.();
    this.cancelSeal = undefined;
    const flushBytes = this.options.flushBytes ?? DEFAULT_FLUSH_BYTES;
    do {
      if (this.out.unsealedBytes === 0 || this.failure) return;
      try {
        await this.out.seal();
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      // What arrived during the sync waits for the next interval unless there is a lot of it.
      if (this.out.unsealedBytes < flushBytes) this.relieve();
    } while (this.isClosing || this.out.unsealedBytes >= flushBytes);
    if (this.out.unsealedBytes > 0) {
      this.cancelSeal ??= this.options.clock.setTimer(
        () => this.sealSoon(),
        this.options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      );
    }
  }

  private relieve(): void {
    for (const listener of this.relievedListeners.splice(0)) listener();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.relieve(); // the session ends through onError; a held source must not stay stuck
    this.failure = error;
    this.cancelSeal?.();
    this.cancelSeal = undefined;
    for (const listener of this.errorListeners.splice(0)) listener(error);
  }
}
