import { z } from 'zod';

/**
 * What an agent must know to look after itself when it cannot reach the server: its
 * deletion deadline, counted from its last contact with the server, and whether uninstalling it
 * on the device is restricted to privileged local users. Sent in `AgentSettings.maintenance`;
 * the agent keeps a copy in its data folder, so the deadline holds after a restart offline.
 *
 * @example
 * const maintenance: AgentMaintenance = { deleteAfterOfflineMinutes: 5, restrictLocalUninstall: false };
 */
export const AgentMaintenance = z.object({
  /** Minutes without contact after which the agent uninstalls itself; null: never. */
  deleteAfterOfflineMinutes: z.int().positive().nullable(),
  /** `tether-agent uninstall` runs only for root (uid 0) on the device. */
  restrictLocalUninstall: z.boolean(),
});
export type AgentMaintenance = z.infer<typeof AgentMaintenance>;

/**
 * The agent was uninstalled on the device (`tether-agent uninstall`, A-8): sent just before its
 * files go, so the server marks the device uninstalled or removes it, per the maintenance
 * setting, instead of waiting for it to count as lost.
 */
export const AgentUninstalled = z.object({
  type: z.literal('device.uninstalled'),
});
