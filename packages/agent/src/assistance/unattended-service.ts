import { UNATTENDED_IDLE_MINUTES } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import type { CancelTimer, Clock } from '../clock.js';

/** One access the service is on for. */
export interface EnabledAccess {
  accessId: string;
  /** Milliseconds since the epoch. */
  enabledAt: number;
  /** Sessions running under it now. */
  sessions: number;
}

/** The agent's unattended service (M-2); see {@link createUnattendedService}. */
export interface UnattendedService {
  /**
   * On for this access only: one live access per device, so any other is turned off. Returns
   * false for an access the user at the device turned off: it never comes back.
   */
  enable(accessId: string): boolean;
  /** Returns false when the service was not on for that access. */
  disable(accessId: string, reason: string): boolean;
  /**
   * The user at the device turns unattended access off: every access, whatever the server says
   * until it has heard of it. Returns the accesses turned off; undefined when `accessId` is
   * named and the service is not on for it.
   */
  turnOffHere(accessId?: string): string[] | undefined;
  /** Accesses turned off here that the server still lists: to report (again). */
  unreported(): string[];
  /** Keeps only these accesses (the server's list after a reconnect or a change). */
  keepOnly(accessIds: readonly string[]): void;
  isEnabled(accessId: string): boolean;
  /** A session under the access started; returns the function to call when it ends. */
  sessionStarted(accessId: string): () => void;
  list(): EnabledAccess[];
  stop(): void;
}

/** Accesses turned off here remembered until the server confirms (the report's limit). */
const MAX_UNREPORTED = 100;

interface Entry extends EnabledAccess {
  guard?: CancelTimer;
}

/**
 * Which unattended accesses this device accepts sessions for. The server turns an access on
 * and off; as a second line of defence the agent turns it off by itself when it has seen no
 * session under it for a little longer than the server's 15 minutes, so a device that lost its
 * server never stays open. The user at the device can turn it off too; those accesses stay off
 * even if a server that has not yet heard of it lists them again.
 *
 * @example
 * const unattended = createUnattendedService({ clock, log });
 * unattended.enable('123456789');
 */
export function createUnattendedService(options: {
  clock: Clock;
  log: Logger;
  /** Default: 15 minutes plus one, so the server's own expiry normally comes first. */
  idleLimitMs?: number;
}): UnattendedService {
  const { clock, log } = options;
  const idleLimitMs = options.idleLimitMs ?? (UNATTENDED_IDLE_MINUTES + 1) * 60_000;
  const entries = new Map<string, Entry>();
  /** Turned off by the user here; forgotten once the server's list no longer has them. */
  const turnedOffHere = new Set<string>();

  const disable = (accessId: string, reason: string): boolean => {
    const entry = entries.get(accessId);
    if (!entry) return false;
    entry.guard?.();
    entries.delete(accessId);
    log.info({ accessId, reason }, 'unattended service off for an access');
    return true;
  };
  const armGuard = (entry: Entry): void => {
    entry.guard?.();
    entry.guard = clock.setTimer(
      () => disable(entry.accessId, 'no session for the idle limit'),
      idleLimitMs,
    );
  };

  return {
    enable(accessId) {
      if (turnedOffHere.has(accessId)) return false;
      if (entries.has(accessId)) return true;
      // The server keeps one live access per device and turns the old one off first; should
      // that message be lost, the device still never accepts two passwords at once.
      for (const other of [...entries.keys()]) disable(other, 'replaced by a newer access');
      const entry: Entry = { accessId, enabledAt: clock.now().getTime(), sessions: 0 };
      entries.set(accessId, entry);
      armGuard(entry);
      log.info({ accessId }, 'unattended service on for an access');
      return true;
    },
    disable,
    turnOffHere(accessId) {
      if (accessId !== undefined && !entries.has(accessId)) return undefined;
      const turnedOff = [...entries.keys()];
      for (const each of turnedOff) {
        disable(each, 'turned off by the user at the device');
        turnedOffHere.add(each);
      }
      // One access at a time normally; the bound only keeps a confused server from growing it.
      for (const oldest of turnedOffHere) {
        if (turnedOffHere.size <= MAX_UNREPORTED) break;
        turnedOffHere.delete(oldest);
      }
      return turnedOff;
    },
    unreported: () => [...turnedOffHere],
    keepOnly(accessIds) {
      const keep = new Set(accessIds);
      for (const accessId of [...turnedOffHere]) {
        if (!keep.has(accessId)) turnedOffHere.delete(accessId);
      }
      for (const accessId of [...entries.keys()]) {
        if (!keep.has(accessId)) disable(accessId, 'the server no longer lists it');
      }
    },
    isEnabled: (accessId) => entries.has(accessId),
    sessionStarted(accessId) {
      const entry = entries.get(accessId);
      if (!entry) return () => undefined;
      entry.sessions += 1;
      entry.guard?.();
      entry.guard = undefined;
      let isEnded = false;
      return () => {
        if (isEnded) return;
        isEnded = true;
        entry.sessions -= 1;
        if (entry.sessions === 0 && entries.get(accessId) === entry) armGuard(entry);
      };
    },
    list: () =>
      [...entries.values()].map(({ accessId, enabledAt, sessions }) => ({
        accessId,
        enabledAt,
        sessions,
      })),
    stop() {
      for (const entry of entries.values()) entry.guard?.();
      entries.clear();
      turnedOffHere.clear();
    },
  };
}
