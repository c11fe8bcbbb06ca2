import { useCallback, useRef, useState } from 'react';
import type { DownloadSink } from './download-sink-port.js';
import { openDownloadSink } from './download-sink.js';
import type { FilesRelay, TransferEnd } from './files-relay.js';

/** One upload or download shown in the transfer list. */
export interface Transfer {
  key: number;
  direction: 'upload' | 'download';
  name: string;
  path: string;
  transferred: number;
  size: number;
  state: 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
  message?: string;
  sha256?: string;
  /** A folder downloaded as a tar archive (cannot be resumed: it is built while sent). */
  isArchive?: boolean;
  /** Entries the archive left out (symlinks leading outside the shared folders, …). */
  skipped?: number;
  /** Where a download's bytes go: straight to disk, or memory (no service worker here). */
  storage?: DownloadSink['mode'];
}

interface Internals {
  cancel?: () => void;
  file?: Blob;
  /** Where a download goes; kept across a cut so a resumed download continues the same file. */
  sink?: Promise<DownloadSink>;
}

/** Starts, cancels and resumes transfers over the current relay. */
export interface Transfers {
  list: Transfer[];
  upload: (file: File, path: string) => void;
  download: (name: string, path: string) => void;
  /** Downloads a folder as `<name>.tar`. */
  downloadFolder: (name: string, path: string) => void;
  cancel: (key: number) => void;
  resume: (key: number) => void;
}

/**
 * The transfer list of a files page. A transfer cut by a lost connection is `interrupted` and
 * can be resumed once reconnected: uploads continue the device's partial file, downloads ask
 * for the bytes after those already received.
 *
 * @example
 * const transfers = useTransfers(relay, onFinished);
 */
export function useTransfers(relay: FilesRelay | null, onFinished: () => void): Transfers {
  const [list, setList] = useState<Transfer[]>([]);
  const internals = useRef(new Map<number, Internals>());
  const nextKey = useRef(1);
  const update = useCallback((key: number, change: Partial<Transfer>) => {
    setList((items) => items.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const settle = useCallback(
    (transfer: Transfer, end: TransferEnd) => {
      const sink = internals.current.get(transfer.key)?.sink;
      if (end.type === 'done') {
        update(transfer.key, {
          state: 'done',
          transferred: end.size,
          size: end.size,
          sha256: end.sha256,
          ...(end.skipped === undefined ? {} : { skipped: end.skipped }),
        });
        void sink?.then((destination) => destination.close());
        internals.current.delete(transfer.key);
        onFinished();
        return;
      }
      const isCut = end.code !== 'cancelled' && end.message.startsWith('Connection lost');
      const state = end.code === 'cancelled' ? 'cancelled' : isCut ? 'interrupted' : 'failed';
      // A cut file download keeps its destination to resume into; anything else lets it go.
      if (!isCut || transfer.isArchive) {
        void sink?.then((destination) => destination.abort(end.message));
        const inner = internals.current.get(transfer.key);
        if (inner) delete inner.sink;
      }
      update(transfer.key, { state, message: end.message });
    },
    [update, onFinished],
  );

  const run = useCallback(
    (transfer: Transfer, resume: boolean) => {
      const inner = internals.current.get(transfer.key);
      if (!relay || !inner) return;
      const onProgress = ({ transferred, size }: { transferred: number; size: number }) =>
        update(transfer.key, { transferred, size });
      update(transfer.key, { state: 'running', message: undefined });
      const started =
        transfer.direction === 'upload' && inner.file
          ? relay.upload(inner.file, { path: transfer.path, resume, onProgress })
          : relay.download({
              path: transfer.path,
              offset: resume && inner.sink ? transfer.transferred : 0,
              ...(transfer.isArchive ? { archive: 'tar' as const } : {}),
              sink: (size) =>
                (inner.sink ??= openDownloadSink(transfer.name, size, {
                  onCancelled: () => inner.cancel?.(),
                }).then((sink) => {
                  update(transfer.key, { storage: sink.mode });
                  return sink;
                })),
              onProgress,
            });
      inner.cancel = started.cancel;
      void started.ended.then((end) => settle(transfer, end));
    },
    [relay, update, settle],
  );

  const add = useCallback(
    (transfer: Omit<Transfer, 'key' | 'state' | 'transferred'>, inner: Internals) => {
      const created: Transfer = {
        ...transfer,
        key: nextKey.current++,
        state: 'running',
        transferred: 0,
      };
      internals.current.set(created.key, inner);
      setList((items) => [created, ...items]);
      run(created, false);
    },
    [run],
  );

  return {
    list,
    upload: (file, path) =>
      add({ direction: 'upload', name: file.name, path, size: file.size }, { file }),
    download: (name, path) => add({ direction: 'download', name, path, size: 0 }, {}),
    downloadFolder: (name, path) =>
      add({ direction: 'download', name: `${name}.tar`, path, size: 0, isArchive: true }, {}),
    cancel: (key) => internals.current.get(key)?.cancel?.(),
    resume: (key) => {
      const transfer = list.find((item) => item.key === key);
      if (transfer) run(transfer, true);
    },
  };
}
