/** Props of {@link DeviceBulkActions}. */
export interface DeviceBulkActionsProps {
  /** The selected devices. */
  deviceIds: readonly string[];
  /** Called after an action ran (the list reloads, the selection clears). */
  onDone: () => void;
}

/**
 * Actions on the devices selected in the list: move, tag, delete, upgrade, wake.
 *
 * JOINT: the device list (helper "devlist") mounts it above the table with its selection;
 * the lifecycle helper fills it in.
 */
export function DeviceBulkActions(_props: DeviceBulkActionsProps) {
  return null;
}
