import type { Device, DeviceRight, SessionKind } from '@tether/protocol';

const RIGHT_NAMES: Readonly<Record<DeviceRight, string>> = {
  'device.view': 'view',
  terminal: 'terminal',
  'desktop.view': 'desktop view',
  'desktop.control': 'desktop control',
  files: 'files',
  unattended: 'unattended access',
  recordings: 'recordings',
  'devices.manage': 'device management',
  'policies.manage': 'policy management',
};

/**
 * Why the signed-in user may not do something on a device: its `rights` (from the server) lack
 * the right; null when they have it, or when the server does not say (an older server decides).
 *
 * @example
 * missingRight(device, 'terminal') // 'You have no terminal right on group Servers.'
 */
export function missingRight(device: Device, right: DeviceRight): string | null {
  if (!device.rights || device.rights.includes(right)) return null;
  return `You have no ${RIGHT_NAMES[right]} right on group ${device.group}.`;
}

/**
 * Why a session of this kind cannot open: for the desktop, watching (`desktop.view`) is enough,
 * and the desktop then opens view-only.
 *
 * @example
 * missingSessionRight(device, 'desktop') // null when the user may at least watch
 */
export function missingSessionRight(device: Device, kind: SessionKind): string | null {
  if (kind !== 'desktop') return missingRight(device, kind);
  return missingRight(device, 'desktop.control') && missingRight(device, 'desktop.view');
}

/** The user may watch the desktop but not use it: the desktop opens view-only. */
export function isViewOnlyDesktop(device: Device): boolean {
  return (
    missingRight(device, 'desktop.control') !== null &&
    missingRight(device, 'desktop.view') === null
  );
}
