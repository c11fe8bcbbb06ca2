import { relaySocketUrl } from '@tether/sdk';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useConsole } from '../../api/console-context.js';
import { openSession } from '../sessions/open-session.js';
import { explainEnd } from '../sessions/session-end.js';
import { describeError, isSignedOut } from '../../format/describe-error.js';
import { createXterm } from './create-xterm.js';
import { openTerminalRelay, type TerminalRelay, type TerminalStatus } from './terminal-relay.js';

/** The relay's status, or `failed` when the session could not even be created. */
export type TerminalViewStatus = TerminalStatus | { state: 'failed'; reason: string };

/** A live terminal session as the page sees it. */
export interface TerminalSession {
  status: TerminalViewStatus;
  /** Ends the session on the server, then closes the socket. */
  end: () => void;
  isEnding: boolean;
  /** Known once the server created the session. */
  sessionId: string | null;
}

/**
 * Opens an xterm in `containerRef`, creates a terminal session on the device, and joins its
 * relay. The terminal follows the container's size. Everything is closed on unmount.
 *
 * @example
 * const session = useTerminalSession(deviceId, containerRef);
 */
export function useTerminalSession(
  deviceId: string,
  containerRef: RefObject<HTMLDivElement | null>,
): TerminalSession {
  const { api, onSignedOut } = useConsole();
  const [status, setStatus] = useState<TerminalViewStatus>({ state: 'connecting' });
  const [isEnding, setEnding] = useState(false);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const sessionIdRef = useRef<string | null>(null);
  const relayRef = useRef<TerminalRelay | null>(null);

  useEffect(() => {
    const element = containerRef.current;
    if (element === null) return;
    let isMounted = true;
    let stopExplaining = (): void => undefined;
    const { terminal, fit } = createXterm(element);
    fit.fit();
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);
    terminal.onResize(({ cols, rows }) => relayRef.current?.resize(cols, rows));
    terminal.onData((text) => relayRef.current?.sendInput(text));
    terminal.focus();

    openSession(api, { deviceId, kind: 'terminal', cols: terminal.cols, rows: terminal.rows }).then(
      ({ session, relay }) => {
        sessionIdRef.current = session.id;
        setSessionId(session.id);
        if (!isMounted) {
          // The page was left while the session was being set up: do not leave it pending.
          api.endSession(session.id).catch(() => undefined);
          return;
        }
        relayRef.current = openTerminalRelay(relaySocketUrl(relay, window.location), {
          size: { cols: terminal.cols, rows: terminal.rows },
          onOutput: (bytes) => terminal.write(bytes),
          onStatus: (next) => {
            if (isMounted) setStatus(next);
            if (next.state !== 'ended') return;
            terminal.options.cursorBlink = false;
            stopExplaining = explainEnd(api, {
              sessionId: session.id,
              reason: next.reason,
              onReason: (reason) => isMounted && setStatus({ state: 'ended', reason }),
            });
          },
        });
      },
      (error: unknown) => {
        if (!isMounted) return;
        if (isSignedOut(error)) onSignedOut();
        else setStatus({ state: 'failed', reason: describeError(error) });
      },
    );

    return () => {
      isMounted = false;
      stopExplaining();
      relayRef.current?.close('you left the page');
      relayRef.current = null;
      observer.disconnect();
      terminal.dispose();
    };
  }, [api, deviceId, containerRef, onSignedOut]);

  const end = useCallback(() => {
    const sessionId = sessionIdRef.current;
    setEnding(true);
    const closeSocket = () => {
      setEnding(false);
      relayRef.current?.close('you ended the session');
    };
    if (sessionId === null) {
      closeSocket();
      return;
    }
    api.endSession(sessionId).then(closeSocket, (error: unknown) => {
      closeSocket();
      if (isSignedOut(error)) onSignedOut();
    });
  }, [api, onSignedOut]);

  return { status, end, isEnding, sessionId };
}
