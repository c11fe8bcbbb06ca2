import type { CreateSessionRequest, RelayTicket, SessionKind } from '@tether/protocol';
import { relaySocketUrl, type TetherClient } from '@tether/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { describeError, isSignedOut } from '../../format/describe-error.js';
import { openSession } from './open-session.js';
import { explainEnd } from './session-end.js';

/** Where a session stands, for its page's status line. */
export type RemoteSessionStatus =
  | { state: 'connecting' }
  /** `name`: what the device calls itself once connected (the desktop's name). */
  | { state: 'connected'; name?: string }
  | { state: 'ended'; reason: string }
  /** The session could not even be opened. */
  | { state: 'failed'; reason: string };

/** What a kind's relay connection reports to the hook. */
export interface RelayEvents {
  onConnected: (name?: string) => void;
  /**
   * The session is over. A tentative reason (noVNC's `disconnect`) is replaced by a later one
   * (the socket's close, which carries the server's reason).
   */
  onEnded: (reason: string, options?: { isTentative?: boolean }) => void;
  /** True once the technician pressed End session: their end is not a failure to report. */
  isEnding: () => boolean;
}

/**
 * The page's side of one session attempt of a kind (xterm, noVNC, the files protocol), made
 * fresh for each attempt by the page's `attach`.
 */
export interface SessionAttachment<Link> {
  /** Create-request fields besides the device and kind: the terminal's size, view-only. */
  readonly request?: Pick<CreateSessionRequest, 'cols' | 'rows' | 'viewOnly'>;
  /** Joins the session's relay socket at `url`. */
  join: (url: string, events: RelayEvents) => Link | Promise<Link>;
  /** Closes the link; its end then arrives through `onEnded`. */
  close: (link: Link, reason: string) => void;
  /** Releases what the attachment set up before the session (the terminal's xterm). */
  dispose?: () => void;
}

/** A live session as its page sees it. */
export interface RemoteSession<Link> {
  status: RemoteSessionStatus;
  /** The kind's connection while it is open (relay, RFB), else null. */
  link: Link | null;
  /** Ends the session on the server and closes the connection. */
  end: () => void;
  isEnding: boolean;
  /** Opens a new session after an end or a cut (files resume their transfers then). */
  reconnect: () => void;
  /** Known once the server created the session. */
  sessionId: string | null;
}

/** Options of `useRemoteSession`. */
export interface RemoteSessionOptions<Link> {
  deviceId: string;
  kind: SessionKind;
  /** Makes the attachment of a new attempt; null while the page's container is not mounted. */
  attach: () => SessionAttachment<Link> | null;
  /** Values that open a new session when they change (the desktop's view-only switch). */
  reopenOn?: readonly unknown[];
  /**
   * Close the connection at once on End and ask the server in the background, instead of after
   * the server confirms: a files session's transfers stop even when the agent is stuck.
   */
  closesAtOnce?: boolean;
  /**
   * Joins a running session as an invited guest instead of opening one: End then only
   * leaves it, and there is nothing to reopen.
   */
  join?: (api: TetherClient) => Promise<{ sessionId: string; relay: RelayTicket }>;
}

/**
 * Opens a session of any kind on a device (through an unattended access when the page was
 * opened with one), joins its relay with the kind's attachment, reports its status and why it
 * ended (asking the server when the socket's reason is vague), and closes everything on unmount.
 *
 * @example
 * const session = useRemoteSession({ deviceId, kind: 'files', attach: filesAttachment });
 */
export function useRemoteSession<Link>(options: RemoteSessionOptions<Link>): RemoteSession<Link> {
  const { deviceId, kind, reopenOn = [], closesAtOnce = false } = options;
  const isGuest = options.join !== undefined;
  const joinRef = useRef(options.join);
  const { api, onSignedOut } = useConsole();
  const [status, setStatus] = useState<RemoteSessionStatus>({ state: 'connecting' });
  const [link, setLink] = useState<Link | null>(null);
  const [isEnding, setEnding] = useState(false);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const sessionIdRef = useRef<string | null>(null);
  const linkRef = useRef<{ link: Link; attachment: SessionAttachment<Link> } | null>(null);
  const isEndingRef = useRef(false);
  // The latest `attach` of the page, read when an attempt starts (it is not an effect input).
  const attachRef = useRef(options.attach);
  attachRef.current = options.attach;

  useEffect(() => {
    const attachment = attachRef.current();
    if (attachment === null) return;
    let isMounted = true;
    // A function, not the flag: it changes across awaits, which narrowing does not see.
    const isLive = (): boolean => isMounted;
    let hasEnded = false;
    let stopExplaining = (): void => undefined;
    isEndingRef.current = false;
    sessionIdRef.current = null;
    setStatus({ state: 'connecting' });

    /** Shows why the session is over, then asks the server for its reason when that is vague. */
    const over = (state: 'ended' | 'failed', reason: string, isTentative = false): void => {
      if (!isMounted) return;
      setStatus((current) =>
        current.state === 'ended' && isTentative ? current : { state, reason },
      );
      if (hasEnded) return;
      hasEnded = true;
      linkRef.current = null;
      setLink(null);
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
    const events: RelayEvents = {
      onConnected: (name) => isMounted && setStatus({ state: 'connected', name }),
      onEnded: (reason, { isTentative = false } = {}) => over('ended', reason, isTentative),
      isEnding: () => isEndingRef.current,
    };

    const join =
      joinRef.current ??
      (() =>
        openSession(api, { deviceId, kind, ...attachment.request }).then(({ session, relay }) => ({
          sessionId: session.id,
          relay,
          isOwn: true,
        })));
    join(api)
      .then(async ({ sessionId: id, relay, ...rest }) => {
        sessionIdRef.current = id;
        setSessionId(id);
        if (!isMounted) {
          // The page was left while the session was being set up: do not leave it pending.
          if ('isOwn' in rest) api.endSession(id).catch(() => undefined);
          return;
        }
        const joined = await attachment.join(relaySocketUrl(relay, window.location), events);
        if (!isLive()) return attachment.close(joined, 'you left the page');
        if (hasEnded) return;
        linkRef.current = { link: joined, attachment };
        setLink(joined);
      }, fail)
      .catch(fail);

    return () => {
      isMounted = false;
      stopExplaining();
      const open = linkRef.current;
      linkRef.current = null;
      if (open) open.attachment.close(open.link, 'you left the page');
      attachment.dispose?.();
    };
    // `reopenOn` is spread so that each of its values is an input; its length never changes.
  }, [api, deviceId, kind, onSignedOut, attempt, ...reopenOn]);

  const end = useCallback(() => {
    const id = sessionIdRef.current;
    isEndingRef.current = true;
    setEnding(true);
    const close = (): void => {
      setEnding(false);
      const open = linkRef.current;
      if (open) open.attachment.close(open.link, 'you ended the session');
    };
    if (id === null || isGuest) return close();
    if (closesAtOnce) {
      api.endSession(id).catch(() => undefined); // the connection is closed either way
      return close();
    }
    api.endSession(id).then(close, (error: unknown) => {
      close();
      if (isSignedOut(error)) onSignedOut();
    });
  }, [api, onSignedOut, closesAtOnce, isGuest]);

  const reconnect = useCallback(() => setAttempt((value) => value + 1), []);
  return { status, link, end, isEnding, reconnect, sessionId };
}
