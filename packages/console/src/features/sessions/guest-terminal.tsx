import type { RelayTicket, SessionInvitation } from '@tether/protocol';
import { relaySocketUrl } from '@tether/sdk';
import { useEffect, useRef, useState } from 'react';
import { visibleText } from '../../format/visible-text.js';
import { createXterm } from '../terminal/create-xterm.js';
import {
  openTerminalRelay,
  type TerminalRelay,
  type TerminalStatus,
} from '../terminal/terminal-relay.js';
import { SessionStatus } from './session-bar.js';

function statusText(status: TerminalStatus, invitation: SessionInvitation): string {
  const device = visibleText(invitation.deviceName);
  switch (status.state) {
    case 'connecting':
      return `Joining ${invitation.invitedBy}'s session on ${device}…`;
    case 'connected':
      return `In ${invitation.invitedBy}'s session on ${device}${invitation.control ? '' : ' (view only)'}`;
    case 'ended':
      return `Left the session: ${status.reason}`;
  }
}

/**
 * A terminal session someone was invited into: the same live terminal the technician
 * sees. A view-only guest's terminal takes no input; the size stays the technician's (the
 * server drops a guest's resizes), so the guest's view may wrap differently.
 *
 * @example
 * <GuestTerminal invitation={joined.invitation} relay={joined.relay} />
 */
export function GuestTerminal({
  invitation,
  relay: ticket,
}: {
  invitation: SessionInvitation;
  relay: RelayTicket;
}) {
  const containerRef = useRef<HTMLDivElement | null>(null);
  const relayRef = useRef<TerminalRelay | null>(null);
  const [status, setStatus] = useState<TerminalStatus>({ state: 'connecting' });

  useEffect(() => {
    const element = containerRef.current;
    if (element === null) return;
    const { terminal, fit } = createXterm(element);
    terminal.options.disableStdin = !invitation.control;
    fit.fit();
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);
    const relay = openTerminalRelay(relaySocketUrl(ticket, window.location), {
      size: { cols: terminal.cols, rows: terminal.rows },
      onOutput: (bytes) => terminal.write(bytes),
      onStatus: setStatus,
    });
    relayRef.current = relay;
    if (invitation.control) terminal.onData((text) => relay.sendInput(text));
    terminal.focus();
    return () => {
      relay.close('you left the page');
      relayRef.current = null;
      observer.disconnect();
      terminal.dispose();
    };
  }, [invitation.control, ticket]);

  return (
    <div className="terminal-page">
      <div className="terminal-bar">
        <SessionStatus state={status.state} testId="terminal-status">
          {statusText(status, invitation)}
        </SessionStatus>
        <button
          type="button"
          className="button button-small"
          onClick={() => relayRef.current?.close('you left the session')}
          disabled={status.state === 'ended'}
          data-testid="leave-session"
        >
          Leave session
        </button>
      </div>
      <div className="terminal-container">
        <div className="terminal-host" ref={containerRef} data-testid="terminal" />
      </div>
    </div>
  );
}
