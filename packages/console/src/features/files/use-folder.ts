import { useCallback, useEffect, useState } from 'react';
import type { FileEntry } from '@tether/protocol';
import type { FilesRelay } from './files-relay.js';

/**
 * Listing and folder operations of the current folder; errors land in `message`.
 *
 * @example
 * const folder = useFolder(relay);
 * void folder.open('/home/ana');
 */
export function useFolder(relay: FilesRelay | null) {
  const [folder, setFolder] = useState<string | null>(null);
  const [entries, setEntries] = useState<FileEntry[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [roots, setRoots] = useState<string[]>([]);

  const open = useCallback(
    async (path: string) => {
      if (!relay) return;
      const reply = await relay.request({ type: 'list', path });
      if (reply.type === 'listing') {
        setFolder(reply.path);
        setEntries(reply.entries);
        setMessage(null);
      } else if (reply.type === 'error') setMessage(reply.message);
    },
    [relay],
  );
  useEffect(() => {
    if (!relay) return;
    void relay.request({ type: 'roots' }).then((reply) => {
      if (reply.type !== 'roots') return;
      setRoots(reply.roots);
      void open(folder ?? reply.roots[0] ?? '/');
    });
    // Reconnecting keeps the folder the technician was in (so `folder` is not a dependency).
  }, [relay]);
  const act = useCallback(
    async (request: Parameters<FilesRelay['request']>[0]) => {
      if (!relay || folder === null) return;
      const reply = await relay.request(request);
      if (reply.type === 'error') setMessage(reply.message);
      else await open(folder);
    },
    [relay, folder, open],
  );
  return {
    folder,
    entries,
    message,
    setMessage,
    roots,
    open,
    act,
    refresh: () => folder !== null && open(folder),
  };
}

/** The state and actions of {@link useFolder}. */
export type Folder = ReturnType<typeof useFolder>;
