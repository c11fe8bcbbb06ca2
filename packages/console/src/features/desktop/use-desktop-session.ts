import RFB from '@novnc/novnc';
import { relaySocketUrl } from '@tether/sdk';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useConsole } from '../../api/console-context.js';
import { openSession } from '../sessions/open-session.js';
import { closeReason, explainEnd } from '../sessions/session-end.js';
import { describeError, isSignedOut } from '../../format/describe-error.js';

/** Where a desktop session stands. */
export type DesktopStatus =
  | { state: 'connecting' }
  | { state: 'connected'; name: string }
  | { state: 'ended'; reason: string }
  | { state: 'failed'; reason: string };

/** Settings the technician can change while connected. */
export interface DesktopSettings {
  scaleToWindow: boolean;
  /** JPEG quality 0–9 (tight encoding). */
  quality: number;
  /** Compression 0–9. */
  compression: number;
}

/** A live desktop session as the page sees it. */
export interface DesktopSession {
  status: DesktopStatus;
  /** The last text the device's clipboard sent. */
  remoteClipboard: string;
  sendClipboard: (text: string) => void;
  sendCtrlAltDel: () => void;
  end: () => void;
  isEnding: boolean;
  /** Known once the server created the session. */
  sessionId: string | null;
}

/**
 * Creates a desktop session on the device and shows it with noVNC in `containerRef`: noVNC
 * speaks RFB straight over the relay WebSocket (the agent presents a no-auth RFB server).
 * A new session is opened when `viewOnly` changes; everything is closed on unmount.
 *
 * @example
 * const session = useDesktopSession({ deviceId, viewOnly: false, settings, containerRef });
 */
export function useDesktopSession(options: {
  deviceId: string;
  viewOnly: boolean;
  settings: DesktopSettings;
  containerRef: RefObject<HTMLDivElement | null>;
}): DesktopSession {
  const { deviceId, viewOnly, settings, containerRef } = options;
  const { api, onSignedOut } = useConsole();
  const [status, setStatus] = useState<DesktopStatus>({ state: 'connecting' });
  const [remoteClipboard, setRemoteClipboard] = useState('');
  const [isEnding, setEnding] = useState(false);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const rfbRef = useRef<RFB | null>(null);
  const sessionIdRef = useRef<string | null>(null);
  /** Set when the technician ends the session, so its end does not read as a failure. */
  const isEndingRef = useRef(false);
  const settingsRef = useRef(settings);
  settingsRef.current = settings;

  useEffect(() => {
    const element = containerRef.current;
    if (element === null) return;
    let isMounted = true;
    let stopExplaining = (): void => undefined;
    isEndingRef.current = false;
    setStatus({ state: 'connecting' });
    openSession(api, { deviceId, kind: 'desktop', ...(viewOnly ? { viewOnly } : {}) }).then(
      ({ session, relay }) => {
        sessionIdRef.current = session.id;
        setSessionId(session.id);
        if (!isMounted) {
          api.endSession(session.id).catch(() => undefined);
          return;
        }
        let isExplained = false;
        /** The socket's close has the better reason, so it replaces noVNC's `disconnect` one. */
        const end = (reason: string, isFromSocket: boolean): void => {
          if (!isMounted) return;
          setStatus((current) =>
            current.state === 'ended' && !isFromSocket ? current : { state: 'ended', reason },
          );
          if (isExplained) return;
          isExplained = true;
          stopExplaining = explainEnd(api, {
            sessionId: session.id,
            reason,
            onReason: (why) => isMounted && setStatus({ state: 'ended', reason: why }),
          });
        };
        // The socket is opened here rather than by noVNC, whose `disconnect` event drops the
        // server's close reason (e.g. "Run the agent with --vnc …"): the page shows it.
        const socket = new WebSocket(relaySocketUrl(relay, window.location));
        socket.addEventListener('close', (event) =>
          end(isEndingRef.current ? 'you ended the session' : closeReason(event), true),
        );
        const rfb = new RFB(element, socket, { shared: true });
        rfb.viewOnly = viewOnly;
        applySettings(rfb, settingsRef.current);
        let desktopName = 'the desktop'; // the name arrives just before `connect`
        rfb.addEventListener('desktopname', (event) => {
          const name = (event as CustomEvent<{ name?: unknown }>).detail.name;
          if (typeof name === 'string' && name !== '') desktopName = name;
        });
        rfb.addEventListener('connect', () => {
          if (isMounted) setStatus({ state: 'connected', name: desktopName });
        });
        // noVNC may end the session with the socket still open (a protocol error): it closes the
        // socket then, whose close event above gives the reason when there is one.
        rfb.addEventListener('disconnect', () =>
          end(isEndingRef.current ? 'you ended the session' : 'closed', false),
        );
        rfb.addEventListener('clipboard', (event) => {
          const text = (event as CustomEvent<{ text?: unknown }>).detail.text;
          if (isMounted && typeof text === 'string') setRemoteClipboard(text);
        });
        rfbRef.current = rfb;
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
      rfbRef.current?.disconnect();
      rfbRef.current = null;
    };
  }, [api, deviceId, viewOnly, containerRef, onSignedOut]);

  useEffect(() => {
    if (rfbRef.current) applySettings(rfbRef.current, settings);
  }, [settings]);

  const end = useCallback(() => {
    const sessionId = sessionIdRef.current;
    isEndingRef.current = true;
    setEnding(true);
    const close = (): void => {
      setEnding(false);
      rfbRef.current?.disconnect();
    };
    if (sessionId === null) return close();
    api.endSession(sessionId).then(close, (error: unknown) => {
      close();
      if (isSignedOut(error)) onSignedOut();
    });
  }, [api, onSignedOut]);

  return {
    status,
    remoteClipboard,
    sendClipboard: (text) => rfbRef.current?.clipboardPasteFrom(text),
    sendCtrlAltDel: () => rfbRef.current?.sendCtrlAltDel(),
    end,
    isEnding,
    sessionId,
  };
}

function applySettings(rfb: RFB, settings: DesktopSettings): void {
  rfb.scaleViewport = settings.scaleToWindow;
  rfb.qualityLevel = settings.quality;
  rfb.compressionLevel = settings.compression;
}
