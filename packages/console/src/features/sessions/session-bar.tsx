import type { ReactNode } from 'react';
import { Link } from '../../routing/link.js';
import { useLoad } from '../../hooks/use-load.js';
import { visibleText } from '../../format/visible-text.js';
import { ConsentWait, useConsentWait } from './consent-wait.js';
import type { RemoteSession, RemoteSessionStatus } from './use-remote-session.js';

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

/** How a session page words its status line. */
interface StatusWording {
  /** What failed to open: "the terminal", "the files session", "the desktop". */
  subject: string;
  /** What precedes the end reason: "Session ended", "Disconnected". */
  endedLabel: string;
}

function statusText(status: RemoteSessionStatus, deviceName: string, wording: StatusWording) {
  switch (status.state) {
    case 'connecting':
      return `Connecting to ${deviceName}…`;
    case 'connected':
      // The desktop reports the name the device gives itself; the other kinds do not.
      return `Connected to ${status.name === undefined ? deviceName : visibleText(status.name)}`;
    case 'ended':
      return `${wording.endedLabel}: ${status.reason}`;
    case 'failed':
      return `Could not open ${wording.subject}: ${status.reason}`;
  }
}

/** Props of {@link SessionBar}. */
export interface SessionBarProps {
  deviceId: string;
  session: Pick<RemoteSession<unknown>, 'status' | 'end' | 'isEnding' | 'reconnect' | 'sessionId'>;
  subject: StatusWording['subject'];
  /** Defaults to "Session ended". */
  endedLabel?: StatusWording['endedLabel'];
  statusTestId: string;
  /** Defaults to `end-session`. */
  endTestId?: string;
  /**
   * When given, a session that is over offers Reconnect (with this test id) in place of End
   * session: files resume their transfers in a new session. Otherwise End stays, disabled.
   */
  reconnectTestId?: string;
  /** The bar's classes; defaults to `terminal-bar`. */
  className?: string;
  /** The kind's own controls, between the status and End session. */
  children?: ReactNode;
}

/**
 * The bar on top of a live session's page (terminal, files, desktop): back to the device, the
 * status pill, the kind's controls, End session (or Reconnect), and below it the wait for the
 * user's consent while they are asked.
 *
 * @example
 * <SessionBar deviceId={id} session={session} subject="the terminal" statusTestId="terminal-status" />
 */
export function SessionBar(props: SessionBarProps) {
  const { deviceId, session, statusTestId, endTestId = 'end-session', reconnectTestId } = props;
  const [device] = useLoad((api) => api.getDevice(deviceId), [deviceId]);
  const deviceName = device.state === 'ready' ? visibleText(device.value.name) : 'the device';
  const consentUntil = useConsentWait(session.sessionId);
  const { status } = session;
  const isOver = status.state === 'ended' || status.state === 'failed';
  const wording = { subject: props.subject, endedLabel: props.endedLabel ?? 'Session ended' };

  return (
    <>
      <div className={props.className ?? 'terminal-bar'}>
        <DeviceBackLink deviceId={deviceId} deviceName={deviceName} />
        <SessionStatus
          state={status.state}
          testId={statusTestId}
          isAwaitingConsent={consentUntil !== null}
        >
          {statusText(status, deviceName, wording)}
        </SessionStatus>
        {props.children}
        {isOver && reconnectTestId !== undefined ? (
          <button
            type="button"
            className="button button-small"
            onClick={session.reconnect}
            data-testid={reconnectTestId}
          >
            Reconnect
          </button>
        ) : (
          <button
            type="button"
            className="button button-small button-danger"
            onClick={session.end}
            disabled={isOver || session.isEnding}
            data-testid={endTestId}
          >
            {session.isEnding ? 'Ending…' : 'End session'}
          </button>
        )}
      </div>
      <ConsentWait until={consentUntil} deviceName={deviceName} />
    </>
  );
}
