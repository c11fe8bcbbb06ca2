import { visibleText } from '../../format/visible-text.js';
import {
  AppError,
  rightsOfMode,
  type CreateUnattendedResponse,
  type Device,
  type SessionRight,
  type UnattendedAccess,
  type UnattendedAccessMode,
} from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Notice } from '../../components/notice.js';
import { describeError, isSignedOut } from '../../format/describe-error.js';
import { ConfirmTurnOn, Credentials, ExistingAccess } from './unattended-views.js';

// The session pages and the connect page open sessions through an access with this.
export { connectWith } from './unattended-views.js';

type PanelState =
  | { state: 'loading' }
  | { state: 'existing'; access: UnattendedAccess }
  | { state: 'confirm'; rights: SessionRight[] | undefined; replacing: UnattendedAccess | null }
  | { state: 'creating' }
  | { state: 'created'; created: CreateUnattendedResponse }
  | { state: 'user-present'; message: string }
  | { state: 'failed'; message: string }
  | { state: 'off'; revoked: number };

const LIVE_STATES: readonly UnattendedAccess['state'][] = ['waiting', 'connected', 'idle'];

/** The device's live access, if any (a device has one at most). */
async function liveAccessOf(api: TetherClient, deviceId: string) {
  const accesses = await api.listUnattended({ deviceId });
  return accesses.find((access) => LIVE_STATES.includes(access.state));
}

/** The rights the mode has under the device's policy; undefined when it does not allow it. */
async function rightsFor(api: TetherClient, deviceId: string, mode: UnattendedAccessMode) {
  const view = await api.getEffectivePolicy(deviceId);
  return rightsOfMode(view.settings.assistance.modes, mode);
}

/**
 * Unattended access for a device (M-2; dynamic's unattended branch, M-3). A device has at most
 * one live access: when it has one the panel shows it (never its password again) and offers to
 * turn it off or replace it; otherwise it asks for confirmation, naming the mode and its
 * rights, before it turns the service on and shows the session ID, the one-time password (this
 * once) and the access file. "Turn off now" turns off every access of the device. With a user
 * at the device, dynamic says so and points to the interactive flow.
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
  const [panel, setPanel] = useState<PanelState>({ state: 'loading' });
  const fail = useCallback(
    (error: unknown) => {
      if (isSignedOut(error)) return onSignedOut();
      setPanel({ state: 'failed', message: describeError(error) });
    },
    [onSignedOut],
  );
  const confirm = useCallback(
    (replacing: UnattendedAccess | null) =>
      rightsFor(api, device.id, mode).then(
        (rights) => setPanel({ state: 'confirm', rights, replacing }),
        fail,
      ),
    [api, device.id, mode, fail],
  );
  const load = useCallback(
    () =>
      liveAccessOf(api, device.id).then(
        (access) => (access ? setPanel({ state: 'existing', access }) : confirm(null)),
        fail,
      ),
    [api, device.id, confirm, fail],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const turnOn = (replace: boolean): void => {
    setPanel({ state: 'creating' });
    api.createUnattended({ deviceId: device.id, mode, replace }).then(
      (created) => setPanel({ state: 'created', created }),
      (error: unknown) => {
        const isConflict = error instanceof AppError && error.code === 'CONFLICT';
        // Another technician turned it on meanwhile: show theirs instead of failing.
        if (isConflict && error.details?.accessId) return void load();
        if (isConflict) return setPanel({ state: 'user-present', message: describeError(error) });
        fail(error);
      },
    );
  };
  const turnOff = (): void => {
    api
      .turnOffUnattended(device.id)
      .then((revoked) => setPanel({ state: 'off', revoked: revoked.length }), fail);
  };

  return (
    <section className="card unattended-panel" data-testid="unattended-panel">
      <h2>{mode === 'dynamic' ? 'Dynamic assistance' : 'Unattended access'}</h2>
      {panel.state === 'loading' && <p className="muted">Looking for unattended access…</p>}
      {panel.state === 'creating' && (
        <p className="muted">Turning on unattended access on {visibleText(device.name)}…</p>
      )}
      {panel.state === 'failed' && <Notice kind="error">{panel.message}</Notice>}
      {panel.state === 'user-present' && (
        <Notice kind="info">
          {panel.message} Choose “Dynamic” and open a session: the user is asked to accept.
        </Notice>
      )}
      {panel.state === 'off' && (
        <Notice kind="info">
          <span data-testid="unattended-off">
            Unattended access is off on {visibleText(device.name)}
            {panel.revoked > 0 ? '' : ' (it was already off)'}: no one-time password for it works
            any more.
          </span>
        </Notice>
      )}
      {panel.state === 'existing' && (
        <ExistingAccess
          access={panel.access}
          onReplace={() => void confirm(panel.access)}
          onTurnOff={turnOff}
        />
      )}
      {panel.state === 'confirm' && (
        <ConfirmTurnOn
          device={device}
          mode={mode}
          rights={panel.rights}
          replacing={panel.replacing}
          onConfirm={() => turnOn(panel.replacing !== null)}
          onCancel={onClose}
        />
      )}
      {panel.state === 'created' && (
        <Credentials device={device} created={panel.created} onTurnOff={turnOff} />
      )}
      {panel.state !== 'confirm' && (
        <button type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
      )}
    </section>
  );
}
