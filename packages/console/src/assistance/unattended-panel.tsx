import {
  AppError,
  UNATTENDED_IDLE_MINUTES,
  formatAccessId,
  type CreateUnattendedResponse,
  type Device,
  type SessionKind,
  type UnattendedAccessMode,
} from '@tether/protocol';
import { useEffect, useState } from 'react';
import { useConsole } from '../app/api-context.js';
import { CopyButton } from '../components/copy-button.js';
import { Notice } from '../components/notice.js';
import { describeError, isSignedOut } from '../format/describe-error.js';
import { navigate } from '../routing/navigation.js';
import { rememberAccessPassword, withAccess } from './open-session.js';

type PanelState =
  | { state: 'creating' }
  | { state: 'created'; created: CreateUnattendedResponse }
  | { state: 'user-present'; message: string }
  | { state: 'failed'; message: string }
  | { state: 'revoked' };

const KIND_LABELS: Record<SessionKind, string> = {
  terminal: 'Terminal',
  desktop: 'Desktop',
  files: 'Files',
};

/**
 * Connects to a session page through the access, with its password kept in memory.
 *
 * @example
 * connectWith(device.id, access.id, password, 'desktop');
 */
export function connectWith(
  deviceId: string,
  accessId: string,
  password: string,
  kind: SessionKind,
): void {
  rememberAccessPassword(accessId, password);
  navigate(withAccess(`/devices/${encodeURIComponent(deviceId)}/${kind}`, accessId));
}

/**
 * Unattended access for a device (M-2; dynamic's unattended branch, M-3): turns the device's
 * unattended service on and shows the session ID, the one-time password (this once) and the
 * access file, with buttons that connect. With a user at the device, dynamic says so and
 * points to the interactive flow.
 *
 * @example
 * <UnattendedPanel device={device} mode="unattended" onClose={() => setPanel(null)} />
 */
export function UnattendedPanel({
  device,
  mode,
  onClose,
}: {
  device: Device;
  mode: UnattendedAccessMode;
  onClose: () => void;
}) {
  const { api, onSignedOut } = useConsole();
  const [panel, setPanel] = useState<PanelState>({ state: 'creating' });

  useEffect(() => {
    let isCurrent = true;
    api.createUnattended({ deviceId: device.id, mode }).then(
      (created) => isCurrent && setPanel({ state: 'created', created }),
      (error: unknown) => {
        if (!isCurrent) return;
        if (isSignedOut(error)) return onSignedOut();
        const message = describeError(error);
        const isPresent = error instanceof AppError && error.code === 'CONFLICT';
        setPanel({ state: isPresent ? 'user-present' : 'failed', message });
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [api, device.id, mode, onSignedOut]);

  const revoke = (accessId: string): void => {
    api.revokeUnattended(accessId).then(
      () => setPanel({ state: 'revoked' }),
      (error: unknown) => setPanel({ state: 'failed', message: describeError(error) }),
    );
  };

  return (
    <section className="card unattended-panel" data-testid="unattended-panel">
      <h2>{mode === 'dynamic' ? 'Dynamic assistance' : 'Unattended access'}</h2>
      {panel.state === 'creating' && (
        <p className="muted">Turning on unattended access on {device.name}…</p>
      )}
      {panel.state === 'failed' && <Notice kind="error">{panel.message}</Notice>}
      {panel.state === 'user-present' && (
        <Notice kind="info">
          {panel.message} Choose “Dynamic” and open a session: the user is asked to accept.
        </Notice>
      )}
      {panel.state === 'revoked' && (
        <Notice kind="info">Unattended access is off; its password no longer works.</Notice>
      )}
      {panel.state === 'created' && (
        <Credentials device={device} created={panel.created} onRevoke={revoke} />
      )}
      <button type="button" className="button button-small" onClick={onClose}>
        Close
      </button>
    </section>
  );
}

function Credentials({
  device,
  created,
  onRevoke,
}: {
  device: Device;
  created: CreateUnattendedResponse;
  onRevoke: (accessId: string) => void;
}) {
  const { api } = useConsole();
  const { access, password } = created;
  return (
    <>
      <dl className="facts">
        <dt>Session ID</dt>
        <dd className="mono" data-testid="unattended-id">
          {formatAccessId(access.id)}
        </dd>
        <dt>One-time password</dt>
        <dd>
          <span className="mono" data-testid="unattended-password">
            {password}
          </span>{' '}
          <CopyButton text={password} />
        </dd>
      </dl>
      <p className="muted small">
        The password is shown only now and is stored on the server only as a hash. It works until{' '}
        {UNATTENDED_IDLE_MINUTES} minutes after the last connection ends; then the device turns
        unattended access off again.
      </p>
      <div className="actions">
        {(['terminal', 'desktop', 'files'] as const).map((kind) => (
          <button
            key={kind}
            type="button"
            className="button button-primary"
            onClick={() => connectWith(device.id, access.id, password, kind)}
            data-testid={`unattended-connect-${kind}`}
          >
            Connect: {KIND_LABELS[kind]}
          </button>
        ))}
        <a
          className="button"
          href={api.accessFileUrl(access.id)}
          download={`tether-access-${access.id}.json`}
          data-testid="unattended-access-file"
        >
          Download access file
        </a>
        <button
          type="button"
          className="button button-danger"
          onClick={() => onRevoke(access.id)}
          data-testid="unattended-revoke"
        >
          Turn off now
        </button>
      </div>
    </>
  );
}
