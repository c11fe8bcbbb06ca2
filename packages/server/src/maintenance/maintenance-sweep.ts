import { repeat, type CancelTimer, type Clock } from '../clock.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Logger } from '../logging.js';
import { agentLostNotice } from '../notifications/notices.js';
import type { Notifications } from '../ports/notifications.js';
import type { MaintenanceCandidate } from '../store/device-maintenance-repository.js';
import type { Store } from '../store/store.js';
import type { DevicePresence } from '../devices/device-presence.js';
import { effectiveDeleteMinutes, readMaintenanceSettings } from './maintenance-settings.js';

/** Once a minute: an ephemeral device (5 minutes) is deleted within a minute of its limit. */
export const SWEEP_INTERVAL_MS = 60_000;
/**
 * The first sweep waits this long after the start: a server that was down for weeks must not
 * count its own absence against agents that are reconnecting (admission spreads them out).
 */
export const FIRST_SWEEP_DELAY_MS = 15 * 60_000;
/** Devices handled per sweep: a fleet gone silent at once is worked through minute by minute. */
const BATCH = 500;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** What one sweep did (for the log and tests). */
export interface SweepResult {
  lost: string[];
  deleted: string[];
}

/** See {@link createMaintenanceSweep}. */
export interface MaintenanceSweep {
  /** One pass now. */
  sweep(): Promise<SweepResult>;
  /** Sweeps every minute, the first time after {@link FIRST_SWEEP_DELAY_MS}. */
  start(): void;
  /** Stops the timer; resolves when a running pass ended. */
  stop(): Promise<void>;
}

/**
 * Fleet maintenance: devices offline past the lost threshold are flagged lost and
 * administrators notified (`agent.lost`, once per absence); past their deletion deadline (their
 * own maximum offline time, else the delete threshold) they are deleted through `deleteDevice`,
 * which tombstones the row and tells the agent, should it come back, to uninstall (the agent
 * also knows the deadline and uninstalls itself without the server). A device connected all
 * along is never counted silent: its last contact is refreshed instead. Devices that came back
 * lose their lost and uninstalled marks.
 *
 * @example
 * const sweep = createMaintenanceSweep({ store, clock, presence, notifications, audit, log, deleteDevice });
 * sweep.start();
 */
export function createMaintenanceSweep(deps: {
  store: Store;
  clock: Clock;
  /** Who is connected now, and where the console hears of changed devices. */
  presence: Pick<DevicePresence, 'isOnline' | 'events'>;
  notifications: Notifications;
  audit: Pick<AuditLog, 'record'>;
  log: Logger;
  deleteDevice(deviceId: string): Promise<void>;
}): MaintenanceSweep {
  const { store, clock, log, presence } = deps;
  const isOnline = (deviceId: string): boolean => presence.isOnline(deviceId);
  const changed = (deviceId: string): void =>
    presence.events.emit({ type: 'maintenance', deviceId });
  let cancel: CancelTimer | undefined;
  let running: Promise<SweepResult> | undefined;

  const flagLost = async (
    device: MaintenanceCandidate,
    lostAfterDays: number,
  ): Promise<boolean> => {
    if (!(await store.deviceMaintenance.markLost(device.id, clock.now()))) return false;
    changed(device.id);
    deps.notifications.notify(agentLostNotice({ ...device, lostAfterDays }));
    await deps.audit.record({
      action: 'device.lost',
      actor: 'system',
      target: device.id,
      details: { name: device.name, lastSeenAt: device.lastContactAt.toISOString() },
    });
    return true;
  };

  /** One device that cannot be deleted (store, agent) must not hold up the others. */
  const deleteLogged = async (deviceId: string): Promise<boolean> => {
    try {
      await deps.deleteDevice(deviceId);
      return true;
    } catch (error) {
      log.error(
        { err: error, deviceId },
        'maintenance could not delete a device; next sweep retries',
      );
      return false;
    }
  };

  const pass = async (): Promise<SweepResult> => {
    const settings = await readMaintenanceSettings(store);
    const now = clock.now().getTime();
    (await store.deviceMaintenance.clearReturned()).forEach(changed);
    // Connected again after its agent reported an uninstall: reinstalled with its identity.
    // (Not by last contact: the report's own connection ends after the mark.)
    const reinstalled = (await store.deviceMaintenance.uninstalled()).filter(isOnline);
    await store.deviceMaintenance.clearUninstalled(reinstalled);
    reinstalled.forEach(changed);
    const before = (days: number | null): Date | null =>
      days === null ? null : new Date(now - days * DAY_MS);
    const candidates = await store.deviceMaintenance.dueAt({
      now: new Date(now),
      lostBefore: before(settings.lostAfterDays),
      deleteBefore: before(settings.deleteAfterDays),
      limit: BATCH,
    });
    const result: SweepResult = { lost: [], deleted: [] };
    const connected = candidates.filter((device) => isOnline(device.id));
    await store.deviceMaintenance.touch(
      connected.map((device) => device.id),
      clock.now(),
    );
    for (const device of candidates) {
      if (isOnline(device.id)) continue;
      const silentMs = now - device.lastContactAt.getTime();
      const deleteMinutes = effectiveDeleteMinutes(settings, device.maxOfflineMinutes);
      if (deleteMinutes !== null && silentMs >= deleteMinutes * MINUTE_MS) {
        if (await deleteLogged(device.id)) result.deleted.push(device.id);
      } else if (
        settings.lostAfterDays !== null &&
        !device.isLost &&
        silentMs >= settings.lostAfterDays * DAY_MS &&
        (await flagLost(device, settings.lostAfterDays))
      ) {
        result.lost.push(device.id);
      }
    }
    if (result.lost.length + result.deleted.length > 0)
      log.info({ lost: result.lost.length, deleted: result.deleted.length }, 'maintenance sweep');
    return result;
  };

  const sweep = (): Promise<SweepResult> => {
    // One pass at a time: a slow store must not stack passes on top of each other.
    running ??= pass().finally(() => (running = undefined));
    return running;
  };
  const sweepLogged = (): void => {
    sweep().catch((error: unknown) => log.error({ err: error }, 'maintenance sweep failed'));
  };

  return {
    sweep,
    start() {
      cancel = clock.setTimer(() => {
        cancel = repeat(clock, sweepLogged, SWEEP_INTERVAL_MS);
        sweepLogged();
      }, FIRST_SWEEP_DELAY_MS);
    },
    async stop() {
      cancel?.();
      cancel = undefined;
      await running?.catch(() => undefined);
    },
  };
}
