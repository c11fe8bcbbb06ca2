import { useRef } from 'react';
import { InviteControl } from '../sessions/invite-control.js';
import { SessionBar } from '../sessions/session-bar.js';
import { useRemoteSession } from '../sessions/use-remote-session.js';
import { terminalAttachment } from './terminal-attachment.js';

/**
 * A full-height live terminal on a device, with a status line, "Invite…" and "End session".
 *
 * @example
 * <TerminalPage deviceId={id} />
 */
export function TerminalPage({ deviceId }: { deviceId: string }) {
  const containerRef = useRef<HTMLDivElement | null>(null);
  const session = useRemoteSession({
    deviceId,
    kind: 'terminal',
    attach: () => (containerRef.current ? terminalAttachment(containerRef.current) : null),
  });

  return (
    <div className="terminal-page">
      <SessionBar
        deviceId={deviceId}
        session={session}
        subject="the terminal"
        statusTestId="terminal-status"
      >
        {session.status.state === 'connected' && session.sessionId !== null && (
          <InviteControl sessionId={session.sessionId} />
        )}
      </SessionBar>
      <div className="terminal-container">
        <div className="terminal-host" ref={containerRef} data-testid="terminal" />
      </div>
    </div>
  );
}
