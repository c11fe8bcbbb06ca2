import { useRef } from 'react';
import { DeviceBackLink, SessionStatus } from '../sessions/session-bar.js';
import { ConsentWait, useConsentWait } from '../sessions/consent-wait.js';
import { useLoad } from '../../hooks/use-load.js';
import { useRemoteSession, type RemoteSessionStatus } from '../sessions/use-remote-session.js';
import { terminalAttachment } from './terminal-attachment.js';
import { visibleText } from '../../format/visible-text.js';

function statusText(status: RemoteSessionStatus, deviceName: string): string {
  switch (status.state) {
    case 'connecting':
      return `Connecting to ${deviceName}…`;
    case 'connected':
      return `Connected to ${deviceName}`;
    case 'ended':
      return `Session ended: ${status.reason}`;
    case 'failed':
      return `Could not open the terminal: ${status.reason}`;
  }
}

/**
 * A full-height live terminal on a device, with a status line and "End session".
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
  const [device] = useLoad((api) => api.getDevice(deviceId), [deviceId]);
  const deviceName = device.state === 'ready' ? visibleText(device.value.name) : 'the device';
  const { status } = session;
  const consentUntil = useConsentWait(session.sessionId);

  return (
    <div className="terminal-page">
      <div className="terminal-bar">
        <DeviceBackLink deviceId={deviceId} deviceName={deviceName} />
        <SessionStatus
          state={status.state}
          testId="terminal-status"
          isAwaitingConsent={consentUntil !== null}
        >
          {statusText(status, deviceName)}
        </SessionStatus>
        <button
          type="button"
          className="button button-small button-danger"
          onClick={session.end}
          disabled={status.state === 'ended' || status.state === 'failed' || session.isEnding}
          data-testid="end-session"
        >
          {session.isEnding ? 'Ending…' : 'End session'}
        </button>
      </div>
      <ConsentWait until={consentUntil} deviceName={deviceName} />
      <div className="terminal-container">
        <div className="terminal-host" ref={containerRef} data-testid="terminal" />
      </div>
    </div>
  );
}
