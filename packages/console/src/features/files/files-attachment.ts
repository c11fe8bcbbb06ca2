import type { SessionAttachment } from '../sessions/use-remote-session.js';
import { openFilesRelay, type FilesRelay } from './files-relay.js';

/**
 * A files session's side in the page: the files protocol over the relay, connected once its
 * handshake is done.
 *
 * @example
 * useRemoteSession({ deviceId, kind: 'files', attach: filesAttachment, closesAtOnce: true });
 */
export function filesAttachment(): SessionAttachment<FilesRelay> {
  return {
    join: async (url, events) => {
      const relay = await openFilesRelay(url, { onClosed: (reason) => events.onEnded(reason) });
      events.onConnected();
      return relay;
    },
    close: (relay, reason) => relay.close(reason),
  };
}
