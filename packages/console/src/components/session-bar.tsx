import type { ReactNode } from 'react';
import { Link } from '../routing/link.js';

/**
 * The state of a live session (terminal, files, desktop) as a pill; `data-state` lets tests and
 * styles follow it.
 *
 * @example
 * <SessionStatus state={status.state} testId="terminal-status">Connected to web-01</SessionStatus>
 */
export function SessionStatus({
  state,
  testId,
  children,
}: {
  state: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <span
      className={`terminal-status is-${state}`}
      data-testid={testId}
      data-state={state}
      role="status"
    >
      <span className="terminal-status-dot" aria-hidden="true" />
      {children}
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
