import { relaySocketUrl } from '@tether/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { openSession } from '../sessions/open-session.js';
import { explainEnd } from '../sessions/session-end.js';
import { describeError, isSignedOut } from '../../format/describe-error.js';
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
    let stopExplaining = (): void => undefined;
    sessionIdRef.current = null;
    setStatus({ state: 'connecting' });
    /** Shows why the session is over, then asks the server for its reason when that is vague. */
    const over = (state: 'ended' | 'failed', reason: string): void => {
      setStatus({ state, reason });
      stopExplaining = explainEnd(api, {
        sessionId: sessionIdRef.current,
        reason,
        onReason: (why) => isLive() && setStatus({ state, reason: why }),
      });
    };
    const fail = (error: unknown): void => {
      if (!isMounted) return;
      if (isSignedOut(error)) onSignedOut();
      else over('failed', describeError(error));
    };
    openSession(api, { deviceId, kind: 'files' })
      .then(async ({ session, relay: ticket }) => {
        if (!isMounted) {
          api.endSession(session.id).catch(() => undefined); // left meanwhile: do not leave it pending
          return;
        }
        sessionIdRef.current = session.id;
        setSessionId(session.id);
        current = await openFilesRelay(relaySocketUrl(ticket, window.location), {
          onClosed: (reason) => {
            if (!isMounted) return;
            setRelay(null);
            over('ended', reason);
          },
        });
        if (!isLive()) return current.close('you left the page');
        setRelay(current);
        setStatus({ state: 'connected' });
      }, fail)
      .catch(fail);
    return () => {
      isMounted = false;
      stopExplaining();
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
