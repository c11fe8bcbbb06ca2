import type { AgentMaintenance } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import type { CancelTimer, Clock } from '../clock.js';
import {
  readMaintenanceRecord,
  writeMaintenanceRecord,
  type MaintenanceRecord,
} from './maintenance-file.js';

/**
 * Timers are re-armed at least this often: Node fires a timer of more than 2³¹ ms (24.8 days)
 * at once, and a machine that slept sees its timers late; re-checking the wall clock copes
 * with both. While connected, the last contact is saved this often too (a power cut then
 * costs at most this much of the deadline).
 */
const CHECK_MS = 60 * 60_000;

/**
 * A connection that ends is saved this much later, if the agent is still cut off then: a fleet
 * cut from its server for a moment (a restart, a cluster node lost) writes no file on the way
 * back (a write and an fsync per agent, thousands at once on a busy server's reconnect).
 */
const DISCONNECT_SAVE_DELAY_MS = 60_000;

/**
 * ...for deadlines of a day or more only, where the file's last contact (an hour old at most,
 * as while connected) costs a power cut at most an hour of them. A shorter deadline (an
 * ephemeral agent's minutes) is saved at once.
 */
const DEFERRED_SAVE_MIN_DEADLINE_MINUTES = 24 * 60;

/** See {@link loadDeletionDeadline}. */
export interface DeletionDeadline {
  /** Starts counting (disconnected): a deadline that passed while the agent was stopped fires now. */
  start(): void;
  /**
   * The server welcomed the agent, with the welcome's `maintenance` when it has one: the
   * deadline does not run while connected. The last contact is saved unless the file has it
   * to within the hour.
   */
  onConnected(maintenance?: AgentMaintenance): void;
  /** The connection ended: the deadline runs from now. */
  onDisconnected(): void;
  /** What the server says now (`AgentSettings.maintenance`); absent from older servers. */
  onSettings(maintenance: AgentMaintenance | undefined): void;
  /** Stops the timer; resolves once the last save landed. */
  stop(): Promise<void>;
}

/**
 * The agent's own deletion deadline: the server tells it how long it may stay out of
 * contact (`deleteAfterOfflineMinutes`, the device's limit or the fleet's delete threshold);
 * the agent saves that and its last contact in its data folder and, once the deadline passes
 * without contact, calls `onDeadline` (which uninstalls it) — while it keeps trying to
 * reconnect, after a restart, and even if it never reaches the server again.
 *
 * @example
 * const deadline = await loadDeletionDeadline({ dataDir, clock, log, onDeadline: (reason) => uninstall(reason) });
 * deadline.start();
 * // welcome → deadline.onConnected(welcome.settings.maintenance)
 */
export async function loadDeletionDeadline(options: {
  dataDir: string;
  clock: Clock;
  log: Logger;
  onDeadline: (reason: string) => void;
}): Promise<DeletionDeadline> {
  const { clock, log, dataDir } = options;
  let record: MaintenanceRecord | undefined = await readMaintenanceRecord(dataDir);
  /** What the file holds (or will, once the queued save lands). */
  let saved: MaintenanceRecord | undefined = record && { ...record };
  let isConnected = false;
  let hasFired = false;
  let cancel: CancelTimer | undefined;
  /** The save of a connection's end, while it waits (see DISCONNECT_SAVE_DELAY_MS). */
  let laterSave: CancelTimer | undefined;
  /** Saves one after another, so an older one never lands last. */
  let saving: Promise<void> = Promise.resolve();

  const dropLaterSave = (): void => {
    laterSave?.();
    laterSave = undefined;
  };
  const save = (): void => {
    dropLaterSave();
    if (!record) return;
    const snapshot = { ...record };
    saved = snapshot;
    saving = saving
      .then(() => writeMaintenanceRecord(dataDir, snapshot))
      .catch((error: unknown) => {
        saved = undefined; // unknown: the next connection saves again
        log.warn({ err: error }, 'cannot save the last contact with the server');
      });
  };
  const fire = (minutes: number): void => {
    hasFired = true;
    const reason = `no contact with the server for more than ${minutes} minutes (its deletion deadline)`;
    log.warn({ deleteAfterOfflineMinutes: minutes }, 'deletion deadline passed; uninstalling');
    options.onDeadline(reason);
  };
  /** While disconnected: fire when the deadline passed, else look again before it. */
  const arm = (): void => {
    cancel?.();
    cancel = undefined;
    const minutes = record?.deleteAfterOfflineMinutes ?? null;
    if (isConnected || hasFired || !record || minutes === null) return;
    const remainingMs = record.lastContactAt + minutes * 60_000 - clock.now().getTime();
    if (remainingMs <= 0) {
      fire(minutes);
      return;
    }
    cancel = clock.setTimer(arm, Math.min(remainingMs, CHECK_MS));
  };
  /** While connected: the last contact is now, saved now and then. */
  const keepContact = (): void => {
    cancel?.();
    if (record) record.lastContactAt = clock.now().getTime();
    save();
    cancel = clock.setTimer(keepContact, CHECK_MS);
  };

  /** Whether the file already says all but a last contact less than an hour old. */
  const isFileCurrent = (now: number): boolean =>
    record !== undefined &&
    saved !== undefined &&
    saved.deleteAfterOfflineMinutes === record.deleteAfterOfflineMinutes &&
    saved.restrictLocalUninstall === record.restrictLocalUninstall &&
    now - saved.lastContactAt < CHECK_MS;

  /**
   * Connected again: a save now is needed only if the file says something else or its last
   * contact is an hour old; otherwise the next save is due an hour after that one, which keeps
   * the promise above (a power cut costs at most an hour). A fleet cut from its server and
   * back within a minute writes nothing (see DISCONNECT_SAVE_DELAY_MS); back later, once per
   * agent (when the connection ended), not twice.
   */
  const resumeContact = (): void => {
    const now = clock.now().getTime();
    dropLaterSave();
    const onFile = saved;
    if (!record || !onFile || !isFileCurrent(now)) {
      keepContact();
      return;
    }
    cancel?.();
    record.lastContactAt = now;
    cancel = clock.setTimer(keepContact, onFile.lastContactAt + CHECK_MS - now);
  };

  /** The server's word on the deadline, counted from now. */
  const apply = (maintenance: AgentMaintenance | undefined): void => {
    if (maintenance) record = { lastContactAt: clock.now().getTime(), ...maintenance };
  };

  return {
    start: arm,
    onConnected(maintenance) {
      isConnected = true;
      apply(maintenance);
      resumeContact();
    },
    onDisconnected() {
      if (!isConnected) return;
      isConnected = false;
      const now = clock.now().getTime();
      if (record) record.lastContactAt = now;
      const minutes = record?.deleteAfterOfflineMinutes ?? null;
      if (
        isFileCurrent(now) &&
        (minutes === null || minutes >= DEFERRED_SAVE_MIN_DEADLINE_MINUTES)
      ) {
        dropLaterSave();
        laterSave = clock.setTimer(save, DISCONNECT_SAVE_DELAY_MS);
      } else save();
      arm();
    },
    onSettings(maintenance) {
      if (!maintenance) return;
      apply(maintenance);
      if (isConnected) {
        // Saved only if the deadline changed (or the last save is an hour old): a push of other
        // settings to the whole fleet (statistics, A-5) must not make every agent write a file.
        resumeContact();
        return;
      }
      save();
      arm();
    },
    async stop() {
      cancel?.();
      cancel = undefined;
      if (laterSave) save();
      await saving;
    },
  };
}
