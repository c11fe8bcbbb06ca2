import { z } from 'zod';
import { DeviceNetwork } from '../api/device-network.js';

// What an agent reports of its device, for `hello` and `presence`. Here, not beside the API's
// `Device` (api/devices.ts builds on these): the agent needs these two and none of the API's
// schemas, and every schema a module defines is constructed when the agent loads it.

/** What an agent tells about its machine. Strings come from the device: render them as text. */
export const DeviceInventory = z.object({
  hostname: z.string().min(1).max(255),
  os: z.object({
    platform: z.string().max(64),
    release: z.string().max(128),
    /** Human name, e.g. "Debian GNU/Linux 12 (bookworm)". */
    name: z.string().max(256),
    arch: z.string().max(32),
  }),
  agentVersion: z.string().max(64),
  /** Interfaces and default gateway; absent from agents older than wake-ups. */
  network: DeviceNetwork.optional(),
});
export type DeviceInventory = z.infer<typeof DeviceInventory>;

/**
 * Whether someone is at the device, as its agent last reported: a logged-in user of a
 * seat or terminal, and whether their screen is locked or a screensaver runs.
 *
 * @example
 * const label = !report.loggedIn ? 'No user' : report.screenLocked ? 'Locked' : `${report.user} is present`;
 */
export const UserPresenceReport = z.object({
  loggedIn: z.boolean(),
  screenLocked: z.boolean(),
  user: z.string().max(256).nullable(),
});
export type UserPresenceReport = z.infer<typeof UserPresenceReport>;

/**
 * Why an agent without a VNC server cannot open desktop sessions: the agent refuses a desktop
 * session with it, and the API shows it on the device so the console can say so up front.
 *
 * @example
 * if (device.desktopUnavailable) showReason(device.desktopUnavailable);
 */
export const NO_DESKTOP_MESSAGE =
  'This device has no VNC server configured for desktop sessions. Run the agent with --vnc HOST:PORT (and --vnc-password-file FILE if it has a password), or --x11vnc-display :N.';
