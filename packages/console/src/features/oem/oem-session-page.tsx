import { relayPath } from '@tether/protocol';
import { SessionStatus } from '../sessions/session-bar.js';
import { relaySocketUrl } from '@tether/sdk';
import { useEffect, useRef, useState } from 'react';
import { createXterm } from '../terminal/create-xterm.js';
import {
  openTerminalRelay,
  type TerminalRelay,
  type TerminalStatus,
} from '../terminal/terminal-relay.js';

const SESSION_PATH = /^\/oem\/session\/([0-9a-f-]{36})\/?$/;

/**
 * The session a management product's one-time URL opened (`/oem/session/<id>#ticket=…`), or
 * undefined for any other page. The ticket is read once and removed from the address bar and
 * history, so it is neither bookmarked nor reused.
 */
export function takeOemSessionTicket(
  location: Pick<Location, 'pathname' | 'hash'>,
): { sessionId: string; ticket: string } | undefined {
  const sessionId = SESSION_PATH.exec(location.pathname)?.[1];
  const ticket = /^#ticket=([A-Za-z0-9_-]+)$/.exec(location.hash)?.[1];
  if (sessionId === undefined || ticket === undefined) return undefined;
  return { sessionId, ticket };
}

function statusText(status: TerminalStatus): string {
  switch (status.state) {
    case 'connecting':
      return 'Connecting to the device…';
    case 'connected':
      return 'Connected';
    case 'ended':
      return `Session ended: ${status.reason}`;
  }
}

/**
 * A live terminal opened by an integration API URL. The person who opened the URL is not a
 * console user: the one-time relay ticket is the whole authorisation, so the page shows the
 * terminal and nothing else of the console.
 *
 * @example
 * <OemSessionPage sessionId={id} ticket={ticket} />
 */
export function OemSessionPage({ sessionId, ticket }: { sessionId: string; ticket: string }) {
  const containerRef = useRef<HTMLDivElement | null>(null);
  const relayRef = useRef<TerminalRelay | null>(null);
  const [status, setStatus] = useState<TerminalStatus>({ state: 'connecting' });

  useEffect(() => {
    const element = containerRef.current;
    if (element === null) return;
    const { terminal, fit } = createXterm(element);
    fit.fit();
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);
    const relay = openTerminalRelay(
      relaySocketUrl({ path: relayPath(sessionId), token: ticket }, window.location),
      {
        size: { cols: terminal.cols, rows: terminal.rows },
        onOutput: (bytes) => terminal.write(bytes),
        onStatus: setStatus,
      },
    );
    relayRef.current = relay;
    terminal.onResize(({ cols, rows }) => relay.resize(cols, rows));
    terminal.onData((text) => relay.sendInput(text));
    terminal.focus();
    return () => {
      relay.close('you left the page');
      relayRef.current = null;
      observer.disconnect();
      terminal.dispose();
    };
  }, [sessionId, ticket]);

  return (
    <div className="terminal-page">
      <div className="terminal-bar">
        <SessionStatus state={status.state} testId="terminal-status">
          {statusText(status)}
        </SessionStatus>
        <button
          type="button"
          className="button button-small button-danger"
          onClick={() => relayRef.current?.close('you ended the session')}
          disabled={status.state === 'ended'}
          data-testid="end-session"
        >
          End session
        </button>
      </div>
      <div className="terminal-container">
        <div className="terminal-host" ref={containerRef} data-testid="terminal" />
      </div>
    </div>
  );
}
