import { open } from 'node:fs/promises';
import type { Clock } from '../../clock.js';
import type { FilesTimelineEvent, FilesTimelineHeader } from './files-timeline.js';

/** A files-session timeline being written; see {@link openFilesTimelineWriter}. */
export interface FilesTimelineWriter {
  /** Appends an event (its `t` is set here); written and synced in order. */
  append(event: Omit<FilesTimelineEvent, 't'>): void;
  onError(listener: (error: Error) => void): void;
  /** True while many events wait for the disk; the relay then holds the agent. */
  readonly isCongested: boolean;
  onRelieved(listener: () => void): void;
  close(): Promise<{ durationMs: number; sizeBytes: number }>;
}

const CONGESTED_EVENTS = 256;

/**
 * Creates a `tether-files-v1` recording: a JSON header line, then one JSON line per event, each
 * synced to disk as it is written (events are few: one per operation or transfer), so a crash
 * loses nothing that was acknowledged.
 *
 * @example
 * const writer = await openFilesTimelineWriter({ file, header, clock });
 * writer.append({ op: 'upload', path: '/home/ana/a.txt', outcome: 'done', size: 3, sha256 });
 */
export async function openFilesTimelineWriter(options: {
  file: string;
  header: FilesTimelineHeader;
  clock: Clock;
}): Promise<FilesTimelineWriter> {
  const handle = await open(options.file, 'wx', 0o600);
  const startedAt = options.clock.now().getTime();
  let sizeBytes = 0;
  let pending = 0;
  let failure: Error | undefined;
  const errorListeners: ((error: Error) => void)[] = [];
  let relieved: (() => void)[] = [];
  const write = async (line: string): Promise<void> => {
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    await handle.write(bytes);
    await handle.datasync();
    sizeBytes += bytes.length;
  };
  let queue = write(JSON.stringify(options.header));
  try {
    await queue;
  } catch (error) {
    await handle.close();
    throw error;
  }
  const fail = (error: unknown): void => {
    if (failure) return;
    failure = error instanceof Error ? error : new Error(String(error));
    for (const listener of errorListeners) listener(failure);
  };
  return {
    append(event) {
      if (failure) return;
      const line = JSON.stringify({ t: options.clock.now().getTime() - startedAt, ...event });
      pending += 1;
      queue = queue
        .then(() => write(line))
        .then(() => {
          pending -= 1;
          if (pending < CONGESTED_EVENTS / 2 && relieved.length > 0) {
            const listeners = relieved;
            relieved = [];
            for (const listener of listeners) listener();
          }
        })
        .catch(fail);
    },
    onError(listener) {
      errorListeners.push(listener);
    },
    get isCongested() {
      return pending >= CONGESTED_EVENTS;
    },
    onRelieved(listener) {
      relieved.push(listener);
    },
    async close() {
      await queue;
      await handle.close();
      if (failure) throw failure;
      return { durationMs: options.clock.now().getTime() - startedAt, sizeBytes };
    },
  };
}
