/**
 * The online/offline dot of a device, with a text label for screen readers and tests.
 *
 * @example
 * <StatusDot isOnline={device.online} />
 */
export function StatusDot({ isOnline }: { isOnline: boolean }) {
  const label = isOnline ? 'Online' : 'Offline';
  return (
    <span
      className={`status-dot ${isOnline ? 'is-online' : 'is-offline'}`}
      role="img"
      aria-label={label}
      title={label}
      data-testid="device-status"
      data-online={String(isOnline)}
    />
  );
}
