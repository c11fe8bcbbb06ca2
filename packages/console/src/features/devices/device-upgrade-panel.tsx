import {
  deviceUpgradeEndpoints,
  isUpgradeRunning,
  type Device,
  type DeviceUpgrade,
  type UpgradeState,
} from '@tether/protocol';
import { useEffect, useState } from 'react';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { formatDateTime } from '../../format/format.js';
import { visibleText } from '../../format/visible-text.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { missingRight } from './device-rights.js';

/** While an upgrade is queued or running, its progress is read again this often. */
const REFRESH_MS = 2000;

const stateLabels: Record<UpgradeState, string> = {
  queued: 'Queued: waits for a free upgrade slot',
  offered: 'Offered to the agent',
  downloading: 'Downloading the build',
  installing: 'Installing',
  restarting: 'Restarting on the new version',
  installed: 'Installed',
  failed: 'Failed',
  'rolled-back': 'Rolled back: the new version did not start, the agent went back',
};

function isInProgress(upgrade: DeviceUpgrade | null): boolean {
  return upgrade !== null && (upgrade.state === 'queued' || isUpgradeRunning(upgrade.state));
}

function UpgradeProgress({ upgrade }: { upgrade: DeviceUpgrade }) {
  const isBad = upgrade.state === 'failed' || upgrade.state === 'rolled-back';
  return (
    <p data-testid="device-upgrade-state" data-state={upgrade.state}>
      <strong>
        {upgrade.fromVersion} → {upgrade.toVersion}
      </strong>
      : {stateLabels[upgrade.state]}
      {upgrade.reason && (
        <span className={isBad ? 'error-text' : 'muted'} data-testid="device-upgrade-reason">
          {' '}
          ({visibleText(upgrade.reason)})
        </span>
      )}
      <span className="muted small">
        {' '}
        {formatDateTime(upgrade.updatedAt, { withSeconds: true })}
      </span>
    </p>
  );
}

/**
 * A device's agent version and upgrade: the version it runs and the target, the latest
 * upgrade's progress or end (a rollback the agent reported, with its reason), and an Upgrade
 * button for who may manage the device.
 *
 * @example
 * <DeviceUpgradePanel device={device} />
 */
export function DeviceUpgradePanel({ device }: { device: Device }) {
  const [status, reload] = useLoad(
    (api) => api.call(deviceUpgradeEndpoints.get, { params: { id: device.id } }),
    [device.id, device.agentVersion, device.online],
  );
  const [result, setResult] = useState<string | null>(null);
  const start = useAction(
    (api) => api.call(deviceUpgradeEndpoints.start, { params: { id: device.id }, body: {} }),
    {
      onDone: (response) => {
        const [skipped] = response.skipped;
        setResult(response.queued > 0 ? 'Upgrade queued.' : `Not queued: ${skipped?.reason ?? ''}`);
        reload();
      },
    },
  );
  const running = status.state === 'ready' && isInProgress(status.value.upgrade);
  useEffect(() => {
    if (!running) return undefined;
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [running, reload]);
  const noRight = missingRight(device, 'devices.manage');

  return (
    <section className="card" data-testid="device-upgrade">
      <h2>Agent upgrade</h2>
      <Loaded load={status} onRetry={reload}>
        {(value) => (
          <>
            <p>
              Runs <span className="mono">{visibleText(value.agentVersion)}</span>; the upgrade
              target is <span className="mono">{value.targetVersion}</span>.
            </p>
            {value.upgrade ? (
              <UpgradeProgress upgrade={value.upgrade} />
            ) : (
              <p className="muted">No upgrade of this device since the server started.</p>
            )}
            {start.error && (
              <Notice kind="error" onDismiss={start.clearError}>
                {start.error}
              </Notice>
            )}
            {result !== null && <Notice kind="success">{result}</Notice>}
            <button
              type="button"
              className="button"
              disabled={start.isRunning || running || noRight !== null || !value.canUpgrade}
              title={
                noRight ??
                (value.canUpgrade ? undefined : 'This agent is too old to upgrade itself.')
              }
              onClick={() => {
                setResult(null);
                start.run();
              }}
              data-testid="device-upgrade-start"
            >
              Upgrade to {value.targetVersion}
            </button>
            {!device.online && (
              <span className="muted small"> The upgrade starts when the device is online.</span>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
