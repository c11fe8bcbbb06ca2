import { useCallback, useRef, useState } from 'react';
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
}

interface Internals {
  cancel?: () => void;
  file?: Blob;
  parts: Blob[];
}

/** Starts, cancels and resumes transfers over the current relay. */
export interface Transfers {
  list: Transfer[];
  upload: (file: File, path: string) => void;
  download: (name: string, path: string) => void;
  cancel: (key: number) => void;
  resume: (key: number) => void;
}

function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
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
      const inner = internals.current.get(transfer.key);
      if (end.type === 'done') {
        update(transfer.key, {
          state: 'done',
          transferred: end.size,
          size: end.size,
          sha256: end.sha256,
        });
        if (transfer.direction === 'download' && inner)
          saveBlob(new Blob(inner.parts), transfer.name);
        internals.current.delete(transfer.key);
        onFinished();
        return;
      }
      const state =
        end.code === 'cancelled'
          ? 'cancelled'
          : end.message.startsWith('Connection lost')
            ? 'interrupted'
            : 'failed';
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
              parts: resume ? inner.parts : (inner.parts = []),
              offset: resume ? transfer.transferred : 0,
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
      add({ direction: 'upload', name: file.name, path, size: file.size }, { file, parts: [] }),
    download: (name, path) => add({ direction: 'download', name, path, size: 0 }, { parts: [] }),
    cancel: (key) => internals.current.get(key)?.cancel?.(),
    resume: (key) => {
      const transfer = list.find((item) => item.key === key);
      if (transfer) run(transfer, true);
    },
  };
}
