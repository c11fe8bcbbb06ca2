import type { ReactNode } from 'react';
import { Link } from '../../routing/link.js';

/**
 * The state of a live session (terminal, files, desktop) as a pill; `data-state` lets tests and
 * styles follow it. While the user at the device is being asked to accept, the session is not
 * connected yet whatever the socket says, so the pill says so (`awaiting-consent`).
 *
 * @example
 * <SessionStatus state={status.state} testId="terminal-status" isAwaitingConsent={false}>Connected to web-01</SessionStatus>
 */
export function SessionStatus({
  state: socketState,
  testId,
  isAwaitingConsent = false,
  children,
}: {
  state: string;
  testId: string;
  isAwaitingConsent?: boolean;
  children: ReactNode;
}) {
  const isWaiting =
    isAwaitingConsent && (socketState === 'connecting' || socketState === 'connected');
  const state = isWaiting ? 'awaiting-consent' : socketState;
  return (
    <span
      className={`terminal-status is-${state}`}
      data-testid={testId}
      data-state={state}
      role="status"
    >
      <span className="terminal-status-dot" aria-hidden="true" />
      {isWaiting ? 'Waiting for the user to accept' : children}
    </span>
  );
}

/** Back to the device page of a session's device. */
export function DeviceBackLink({ deviceId, deviceName }: { deviceId: string; deviceName: string }) {
  return (
    <Link href={`/devices/${encodeURIComponent(deviceId)}`} className="terminal-back">
      ← {deviceName}
    </Link>
  );
}
