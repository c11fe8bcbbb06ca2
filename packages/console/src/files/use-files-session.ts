import { relaySocketUrl } from '@tether/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConsole } from '../app/api-context.js';
import { openSession } from '../assistance/open-session.js';
import { describeError, isSignedOut } from '../format/describe-error.js';
import { openFilesRelay, type FilesRelay } from './files-relay.js';

/** Where the files session stands. */
export type FilesStatus =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'ended'; reason: string }
  | { state: 'failed'; reason: string };

/** A files session as the page sees it. */
export interface FilesSession {
  status: FilesStatus;
  relay: FilesRelay | null;
  /** Opens a new session after a cut (transfers can then resume). */
  reconnect: () => void;
  end: () => void;
  /** Known once the server created the session. */
  sessionId: string | null;
}

/**
 * Creates a files session on the device and joins its relay; closes it on unmount.
 *
 * @example
 * const { status, relay, reconnect } = useFilesSession(deviceId);
 */
export function useFilesSession(deviceId: string): FilesSession {
  const { api, onSignedOut } = useConsole();
  const [status, setStatus] = useState<FilesStatus>({ state: 'connecting' });
  const [relay, setRelay] = useState<FilesRelay | null>(null);
  const [generation, setGeneration] = useState(0);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const sessionIdRef = useRef<string | null>(null);

  useEffect(() => {
    let isMounted = true;
    // A function, not the flag: it changes across awaits, which narrowing does not see.
    const isLive = (): boolean => isMounted;
    let current: FilesRelay | null = null;
    setStatus({ state: 'connecting' });
    const fail = (error: unknown): void => {
      if (!isMounted) return;
      if (isSignedOut(error)) onSignedOut();
      else setStatus({ state: 'failed', reason: describeError(error) });
    };
    openSession(api, { deviceId, kind: 'files' })
      .then(async ({ session, relay: ticket }) => {
        sessionIdRef.current = session.id;
        setSessionId(session.id);
        if (!isMounted) {
          api.endSession(session.id).catch(() => undefined); // left meanwhile: do not leave it pending
          return;
        }
        current = await openFilesRelay(relaySocketUrl(ticket, window.location), {
          onClosed: (reason) => {
            if (!isMounted) return;
            setRelay(null);
            setStatus({ state: 'ended', reason });
          },
        });
        if (!isLive()) return current.close('you left the page');
        setRelay(current);
        setStatus({ state: 'connected' });
      }, fail)
      .catch(fail);
    return () => {
      isMounted = false;
      current?.close('you left the page');
    };
  }, [api, deviceId, onSignedOut, generation]);

  const reconnect = useCallback(() => setGeneration((value) => value + 1), []);
  const end = useCallback(() => {
    const sessionId = sessionIdRef.current;
    if (sessionId) api.endSession(sessionId).catch(() => undefined); // the socket closes anyway
    relay?.close('you ended the session');
  }, [api, relay]);
  return { status, relay, reconnect, end, sessionId };
}
