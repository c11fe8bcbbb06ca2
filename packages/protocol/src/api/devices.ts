import { z } from 'zod';
import { DeviceId, Timestamp } from '../ids.js';
import { DeviceStats } from './statistics.js';
import { UnattendedAccessSummary } from './unattended.js';

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
 * A device as the console and API see it.
 *
 * @example
 * const label = device.online ? 'online' : `last seen ${device.lastSeenAt}`;
 */
export const Device = z.object({
  id: DeviceId,
  name: z.string(),
  group: z.string(),
  hostname: z.string(),
  os: DeviceInventory.shape.os,
  agentVersion: z.string(),
  online: z.boolean(),
  enrolledAt: Timestamp,
  lastSeenAt: Timestamp.nullable(),
  stats: DeviceStats.nullable(),
  statsAt: Timestamp.nullable(),
  /** Null while offline, or from an agent that does not report presence. */
  userPresence: UserPresenceReport.nullable(),
  /** The device's live unattended access (M-2); null when unattended access is off. */
  unattendedAccess: UnattendedAccessSummary.nullable().default(null),
});
export type Device = z.infer<typeof Device>;

/** `GET /api/v1/devices` */
export const DeviceList = z.object({ devices: z.array(Device) });
export type DeviceList = z.infer<typeof DeviceList>;
