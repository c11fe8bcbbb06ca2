import { formatAccessId, type Device } from '@tether/protocol';
import { formatDateTime } from '../../format/format.js';

/**
 * Whether unattended access is on for a device, as the device list reports it: "On — session
 * ID 123 456 789 (unattended), until 14:05" or "Off". Updates live with the device. `isCompact`
 * (the device table) shows "On (unattended)" with the rest as the tooltip.
 *
 * @example
 * <dd><UnattendedIndicator device={device} /></dd>
 */
export function UnattendedIndicator({
  device,
  isCompact = false,
}: {
  device: Device;
  isCompact?: boolean;
}) {
  const access = device.unattendedAccess;
  if (!access) {
    return (
      <span data-testid="device-unattended" data-state="off" className={isCompact ? 'muted' : ''}>
        Off
      </span>
    );
  }
  const until =
    access.expiresAt === null
      ? 'a technician is connected'
      : `until ${formatDateTime(access.expiresAt)} unless used`;
  const details = `session ID ${formatAccessId(access.id)} (${access.mode}), ${until}`;
  return (
    <strong
      data-testid="device-unattended"
      data-state="on"
      data-mode={access.mode}
      title={isCompact ? `Unattended access on: ${details}` : undefined}
    >
      {isCompact ? `On (${access.mode})` : `On — ${details}`}
    </strong>
  );
}
