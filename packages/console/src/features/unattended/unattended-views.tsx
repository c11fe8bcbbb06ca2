import { visibleText } from '../../format/visible-text.js';
import {
  UNATTENDED_IDLE_MINUTES,
  formatAccessId,
  type CreateUnattendedResponse,
  type Device,
  type SessionKind,
  type SessionRight,
  type UnattendedAccess,
  type UnattendedAccessMode,
} from '@tether/protocol';
import { useConsole } from '../../api/console-context.js';
import { CopyButton } from '../../components/copy-button.js';
import { Notice } from '../../components/notice.js';
import { formatDateTime } from '../../format/format.js';
import { rememberAccessPassword, withAccess } from '../sessions/open-session.js';
import { navigate } from '../../routing/navigation.js';

const KIND_LABELS: Record<SessionKind, string> = {
  terminal: 'Terminal',
  desktop: 'Desktop',
  files: 'Files',
};

const MODE_LABELS: Record<UnattendedAccessMode, string> = {
  unattended: 'Unattended',
  dynamic: 'Dynamic (no user at the device)',
};

/** "view, control, terminal, files", or why there are none. */
export function rightsLabel(rights: readonly SessionRight[] | undefined): string {
  if (rights === undefined) return 'none: the device’s policy does not allow this mode';
  return rights.length > 0 ? rights.join(', ') : 'none';
}

/** When an access stops working, as a technician reads it. */
export function expiryLabel(access: Pick<UnattendedAccess, 'state' | 'expiresAt'>): string {
  if (access.expiresAt === null) {
    return `${UNATTENDED_IDLE_MINUTES} minutes after the running session ends`;
  }
  return `until ${formatDateTime(access.expiresAt, { withSeconds: true })} unless used`;
}

const STATE_LABELS: Record<UnattendedAccess['state'], string> = {
  waiting: 'Waiting for the first connection',
  connected: 'A technician is connected',
  idle: 'Idle between connections',
  expired: 'Expired',
  revoked: 'Turned off',
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

/** The live access of the device, without its password (which was shown once). */
export function ExistingAccess({
  access,
  onReplace,
  onTurnOff,
}: {
  access: UnattendedAccess;
  onReplace: () => void;
  onTurnOff: () => void;
}) {
  return (
    <>
      <Notice kind="info">Unattended access is on for this device.</Notice>
      <dl className="facts" data-testid="unattended-existing">
        <dt>Session ID</dt>
        <dd className="mono" data-testid="unattended-id">
          {formatAccessId(access.id)}
        </dd>
        <dt>Mode</dt>
        <dd data-testid="unattended-mode">{MODE_LABELS[access.mode]}</dd>
        <dt>Rights</dt>
        <dd data-testid="unattended-rights">{rightsLabel(access.rights)}</dd>
        <dt>State</dt>
        <dd data-testid="unattended-state">{STATE_LABELS[access.state]}</dd>
        <dt>Works</dt>
        <dd data-testid="unattended-expiry">{expiryLabel(access)}</dd>
        <dt>Turned on by</dt>
        <dd>
          {access.createdBy}, {formatDateTime(access.createdAt)}
        </dd>
      </dl>
      <p className="muted small">
        Its one-time password was shown once, when it was made, and cannot be shown again. Connect
        with it under Devices → Connect, or replace it to get a new password: the current one then
        stops working and its sessions end.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={onReplace}
          data-testid="unattended-replace"
        >
          Replace with a new password…
        </button>
        <TurnOffButton onTurnOff={onTurnOff} />
      </div>
    </>
  );
}

/** Asks before turning unattended access on: what a password holder will be able to do. */
export function ConfirmTurnOn({
  device,
  mode,
  rights,
  replacing,
  onConfirm,
  onCancel,
}: {
  device: Device;
  mode: UnattendedAccessMode;
  rights: SessionRight[] | undefined;
  replacing: UnattendedAccess | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div data-testid="unattended-confirm">
      <p>
        Turn on unattended access on <strong>{visibleText(device.name)}</strong>? Whoever has the
        session ID and one-time password can then open sessions without the user at the device
        accepting, until {UNATTENDED_IDLE_MINUTES} minutes after the last connection ends.
      </p>
      <dl className="facts">
        <dt>Mode</dt>
        <dd data-testid="unattended-confirm-mode">{MODE_LABELS[mode]}</dd>
        <dt>Rights</dt>
        <dd data-testid="unattended-confirm-rights">{rightsLabel(rights)}</dd>
      </dl>
      {replacing && (
        <Notice kind="warning">
          This replaces access {formatAccessId(replacing.id)}: its password stops working and its
          sessions end.
        </Notice>
      )}
      <div className="actions">
        <button
          type="button"
          className="button button-primary"
          onClick={onConfirm}
          data-testid="unattended-confirm-on"
        >
          {replacing ? 'Replace and turn on' : 'Turn on'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** The new access: session ID, the password (this once), connect buttons and turn off. */
export function Credentials({
  device,
  created,
  onTurnOff,
}: {
  device: Device;
  created: CreateUnattendedResponse;
  onTurnOff: () => void;
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
        <dt>Mode</dt>
        <dd data-testid="unattended-mode">{MODE_LABELS[access.mode]}</dd>
        <dt>Rights</dt>
        <dd data-testid="unattended-rights">{rightsLabel(access.rights)}</dd>
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
        <TurnOffButton onTurnOff={onTurnOff} />
      </div>
    </>
  );
}

/** Revokes the device's unattended access at once (after the page's confirmation). */
function TurnOffButton({ onTurnOff }: { onTurnOff: () => void }) {
  return (
    <button
      type="button"
      className="button button-danger"
      onClick={onTurnOff}
      data-testid="unattended-revoke"
    >
      Turn off now
    </button>
  );
}
