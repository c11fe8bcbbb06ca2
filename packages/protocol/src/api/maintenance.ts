import { z } from 'zod';

/** The thresholds are at least this many days: a holiday must not cost a device. */
export const MIN_MAINTENANCE_DAYS = 15;

const Days = z.int().min(MIN_MAINTENANCE_DAYS).max(3650);

/**
 * Fleet maintenance: after how many days offline a device is flagged lost (and
 * administrators notified, `agent.lost`) and after how many it is deleted (its agent, which
 * knows the deadline, uninstalls itself even when it never reaches the server again); what
 * happens to a device whose agent was uninstalled on the device; and whether that local
 * uninstall is restricted to root. A device's own maximum offline time (installer attribute,
 * `--jc-ephemeral` = 5 minutes) overrides the delete threshold.
 *
 * @example
 * const settings: MaintenanceSettings = {
 *   lostAfterDays: 30, deleteAfterDays: 90, onLocalUninstall: 'mark', restrictLocalUninstall: true,
 * };
 */
export const MaintenanceSettings = z
  .object({
    /** Days offline before a device is flagged lost; null: never. */
    lostAfterDays: Days.nullable(),
    /** Days offline before a device is deleted and its agent uninstalls itself; null: never. */
    deleteAfterDays: Days.nullable(),
    /** An agent uninstalled on the device: mark the device uninstalled, or remove it. */
    onLocalUninstall: z.enum(['mark', 'remove']),
    /** Only root on the device may run `tether-agent uninstall`. */
    restrictLocalUninstall: z.boolean(),
  })
  .refine(
    (settings) =>
      settings.lostAfterDays === null ||
      settings.deleteAfterDays === null ||
      settings.lostAfterDays < settings.deleteAfterDays,
    {
      message:
        'must be fewer days than deleteAfterDays: a device is flagged lost before it is deleted',
      path: ['lostAfterDays'],
    },
  );
export type MaintenanceSettings = z.infer<typeof MaintenanceSettings>;

/** Until an administrator decides: lost after 30 days, never deleted automatically. */
export const DEFAULT_MAINTENANCE_SETTINGS: MaintenanceSettings = {
  lostAfterDays: 30,
  deleteAfterDays: null,
  onLocalUninstall: 'mark',
  restrictLocalUninstall: false,
};
