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
  clock: { now(): number };
  /** Longest time an event waits in memory before it is written and synced. */
  flushIntervalMs?: number;
  /** Write at once when this much is waiting, without waiting for the interval. */
  flushBytes?: number;
  /** Ask the relay to hold the source once this much waits (see `isCongested`). */
  congestedBytes?: number;
  /** Fail (see `onError`) rather than hold more than this in memory when the disk lags. */
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
  /** True while more than `congestedBytes` wait for the disk; the relay then holds the source. */
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
 * Events are buffered and written in chunks, each followed by fdatasync and a chain line, so a
 * crash of the server loses at most the last flush interval.
 *
 * @example
 * const writer = await openAsciicastWriter({ file, width: 80, height: 24, startedAt: new Date(), clock: { now: Date.now } });
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
  /** Consecutive output at the same instant is merged into one event (fewer, larger lines). */
  private outputText = '';
  private outputSeconds = 0;
  private lines: string[] = [];
  private bufferedChars = 0;
  /** Bytes of the chunk being written and synced right now. */
  private inFlightBytes = 0;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private isClosing = false;
  private closed: Promise<RecordingSummary> | undefined;
  private failure: Error | undefined;
  private readonly errorListeners: ((error: Error) => void)[] = [];
  private readonly relievedListeners: (() => void)[] = [];

  constructor(
    private readonly options: AsciicastWriterOptions,
    private readonly out: ChainedFile,
  ) {
    this.startMs = options.clock.now();
  }

  get file(): string {
    return this.options.file;
  }

  async start(header: AsciicastHeader): Promise<void> {
    await this.writeChunk(Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'));
  }

  output(bytes: Uint8Array): void {
    if (this.isClosing || this.failure) return;
    this.appendOutput(this.decoder.decode(bytes, { stream: true }));
  }

  resize(cols: number, rows: number): void {
    if (this.isClosing || this.failure) return;
    this.takeOutput();
    this.append(eventLine(this.elapsedSeconds(), 'r', `${cols}x${rows}`));
  }

  onError(listener: (error: Error) => void): void {
    const failure = this.failure;
    if (failure) queueMicrotask(() => listener(failure));
    else this.errorListeners.push(listener);
  }

  get isCongested(): boolean {
    const backlog = this.bufferedChars + this.inFlightBytes;
    return backlog >= (this.options.congestedBytes ?? DEFAULT_CONGESTED_BYTES);
  }

  onRelieved(listener: () => void): void {
    this.relievedListeners.push(listener);
  }

  close(): Promise<RecordingSummary> {
    this.closed ??= this.finish();
    return this.closed;
  }

  private async finish(): Promise<RecordingSummary> {
    // An incomplete UTF-8 sequence at the very end is flushed as U+FFFD rather than lost.
    this.appendOutput(this.decoder.decode());
    const durationMs = Math.round(this.elapsedSeconds() * 1000);
    this.isClosing = true;
    await this.flushing;
    await this.flush();
    clearTimeout(this.timer);
    await this.out.close();
    if (this.failure) throw this.failure;
    return { durationMs, sizeBytes: this.out.sizeBytes };
  }

  private appendOutput(text: string): void {
    if (text.length === 0) return;
    const seconds = this.elapsedSeconds();
    if (seconds !== this.outputSeconds) this.takeOutput();
    this.outputSeconds = seconds;
    this.outputText += text;
    this.bufferedChars += text.length;
    this.afterAppend();
  }

  private takeOutput(): void {
    if (this.outputText.length === 0) return;
    this.lines.push(eventLine(this.outputSeconds, 'o', this.outputText));
    this.outputText = '';
  }

  private append(line: string): void {
    this.lines.push(line);
    this.bufferedChars += line.length;
    this.afterAppend();
  }

  private afterAppend(): void {
    const limit = this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    if (this.bufferedChars > limit) {
      this.fail(
        new Error(
          `The recording ${this.file} fell more than ${limit} bytes behind: the disk is too slow or stuck.`,
        ),
      );
    } else if (this.bufferedChars >= (this.options.flushBytes ?? DEFAULT_FLUSH_BYTES)) {
      this.flushSoon();
    } else {
      this.timer ??= setTimeout(
        () => this.flushSoon(),
        this.options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      );
    }
  }

  private elapsedSeconds(): number {
    const micros = Math.round((this.options.clock.now() - this.startMs) * 1000);
    // Wall clocks can step back; event times in a recording never do.
    this.lastSeconds = Math.max(this.lastSeconds, micros / 1e6);
    return this.lastSeconds;
  }

  /** Starts writing what is buffered, or joins the write in progress. Never rejects. */
  /** Starts a flush nobody waits for; a failure ends the recording like a failed write. */
  private flushSoon(): void {
    this.flush().catch((error: unknown) =>
      this.fail(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const flushBytes = this.options.flushBytes ?? DEFAULT_FLUSH_BYTES;
    do {
      this.takeOutput();
      if (this.lines.length === 0 || this.failure) return;
      const chunk = Buffer.from(this.lines.join(''), 'utf8');
      this.lines = [];
      this.bufferedChars = this.outputText.length;
      this.inFlightBytes = chunk.byteLength;
      try {
        await this.writeChunk(chunk);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      // What arrived during the write waits for the next interval unless there is a lot of it.
      this.inFlightBytes = 0;
      if (this.bufferedChars < flushBytes) this.relieve();
    } while (this.isClosing || this.bufferedChars >= flushBytes);
    if (this.bufferedChars > 0) {
      this.timer ??= setTimeout(
        () => this.flushSoon(),
        this.options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      );
    }
  }

  private writeChunk(chunk: Buffer): Promise<void> {
    return this.out.writeChunk(chunk);
  }

  private relieve(): void {
    for (const listener of this.relievedListeners.splice(0)) listener();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.relieve(); // the session ends through onError; a held source must not stay stuck
    this.failure = error;
    this.lines = [];
    this.outputText = '';
    this.bufferedChars = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const listener of this.errorListeners.splice(0)) listener(error);
  }
}
