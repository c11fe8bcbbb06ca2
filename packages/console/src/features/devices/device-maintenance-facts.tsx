import type { Device } from '@tether/protocol';
import { formatDateTime } from '../../format/format.js';

/**
 * What fleet maintenance says of a device: flagged lost (offline past the lost
 * threshold; cleared when it connects again) or uninstalled on the device; nothing otherwise.
 *
 * @example
 * <dl className="facts"><DeviceMaintenanceFacts device={device} /></dl>
 */
export function DeviceMaintenanceFacts({ device }: { device: Device }) {
  return (
    <>
      {device.lostAt && (
        <>
          <dt>Lost</dt>
          <dd data-testid="device-lost">
            <span className="badge badge-lost">Lost</span> flagged on{' '}
            {formatDateTime(device.lostAt)}: offline past the lost threshold
          </dd>
        </>
      )}
      {device.uninstalledAt && (
        <>
          <dt>Uninstalled</dt>
          <dd data-testid="device-uninstalled">
            The agent was uninstalled on the device on {formatDateTime(device.uninstalledAt)}
          </dd>
        </>
      )}
    </>
  );
}
