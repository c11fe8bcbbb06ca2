import { z } from 'zod';
import { DeviceId, Timestamp } from '../ids.js';
import { DeviceInventory, UserPresenceReport } from '../agent/inventory.js';
import { DeviceStats } from './statistics.js';
import { DeviceRight } from './teams.js';
import { UnattendedAccessSummary } from './unattended.js';

// The agent's own report (inventory, presence) is defined agent-side, where the agent imports it
// without this module's schemas; the API's device builds on it.
export { DeviceInventory, NO_DESKTOP_MESSAGE, UserPresenceReport } from '../agent/inventory.js';

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
  /**
   * Why desktop sessions cannot open on this device ({@link NO_DESKTOP_MESSAGE}), as its agent
   * reported when it connected; null (or absent, from older servers) when they can, while
   * offline, or when the agent does not say.
   */
  desktopUnavailable: z.string().nullable().optional(),
  /**
   * What the signed-in user may do on this device (rights on its group, within their role):
   * the console hides or disables the rest. Absent from older servers and from views that are
   * not a user's (the integration API).
   */
  rights: z.array(DeviceRight).optional(),
  /** What its installer gave it, or the install-time overrides; absent from older servers. */
  comments: z.string().optional(),
  tags: z.array(z.string()).optional(),
  /** Minutes offline after which the agent uninstalls itself; null: the global setting. */
  maxOfflineMinutes: z.int().nullable().optional(),
  connectionType: z.enum(['active', 'passive']).optional(),
  /** How the agent was installed: a system service or in one user's session; null: unknown (enrolled by hand). */
  installMode: z.enum(['service', 'user']).nullable().optional(),
  /** When maintenance flagged it lost (offline past the lost threshold, A-7); null: not lost. */
  lostAt: Timestamp.nullable().optional(),
  /** When its agent reported that it was uninstalled on the device; null: it did not. */
  uninstalledAt: Timestamp.nullable().optional(),
});
export type Device = z.infer<typeof Device>;

/**
 * `GET /api/v1/devices`: one page of the devices that match the query, and how many match in all.
 *
 * @example
 * const next = list.offset + list.devices.length < list.total ? list.offset + list.limit : undefined;
 */
export const DeviceList = z.object({
  devices: z.array(Device),
  /** How many devices match the filters (every page). */
  total: z.int().min(0),
  offset: z.int().min(0),
  limit: z.int().min(1),
});
export type DeviceList = z.infer<typeof DeviceList>;
