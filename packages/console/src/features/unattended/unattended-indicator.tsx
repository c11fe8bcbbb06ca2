import { formatAccessId, type Device } from '@tether/protocol';
import { formatDateTime } from '../../format/format.js';

/**
 * Whether unattended access is on for a device, as the device list reports it: "On — session
 * ID 123 456 789 (unattended), until 14:05" or "Off". Updates live with the device.
 *
 * @example
 * <dd><UnattendedIndicator device={device} /></dd>
 */
export function UnattendedIndicator({ device }: { device: Device }) {
  const access = device.unattendedAccess;
  if (!access) {
    return (
      <span data-testid="device-unattended" data-state="off">
        Off
      </span>
    );
  }
  const until =
    access.expiresAt === null
      ? 'a technician is connected'
      : `until ${formatDateTime(access.expiresAt)} unless used`;
  return (
    <strong data-testid="device-unattended" data-state="on">
      On — session ID {formatAccessId(access.id)} ({access.mode}), {until}
    </strong>
  );
}
