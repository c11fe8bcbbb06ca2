import type { Device } from '@tether/protocol';
import { visibleText } from '../../format/visible-text.js';

/** "Service, active, uninstalls after 5 minutes offline", from what its installer gave it. */
function installLabel(device: Device): string | null {
  const parts = [
    device.installMode === 'user'
      ? 'User mode'
      : device.installMode === 'service'
        ? 'Service'
        : null,
    device.connectionType === 'passive' ? 'passive (waits for a wake-up)' : null,
    device.maxOfflineMinutes == null
      ? null
      : `uninstalls after ${device.maxOfflineMinutes} minutes offline`,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? null : parts.join(', ');
}

/**
 * The facts a device got from its installer or its install-time overrides: tags,
 * comments and how it was installed; nothing for a device that has none.
 *
 * @example
 * <dl className="facts"><DeviceInstallFacts device={device} /></dl>
 */
export function DeviceInstallFacts({ device }: { device: Device }) {
  const tags = device.tags ?? [];
  const install = installLabel(device);
  return (
    <>
      {tags.length > 0 && (
        <>
          <dt>Tags</dt>
          <dd data-testid="device-tags">
            {tags.map((tag) => (
              <span key={tag} className="badge">
                {visibleText(tag)}
              </span>
            ))}
          </dd>
        </>
      )}
      {device.comments && (
        <>
          <dt>Comments</dt>
          <dd data-testid="device-comments">{visibleText(device.comments)}</dd>
        </>
      )}
      {install && (
        <>
          <dt>Install</dt>
          <dd data-testid="device-install">{install}</dd>
        </>
      )}
    </>
  );
}
