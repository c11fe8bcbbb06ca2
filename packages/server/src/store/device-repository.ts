import type { DeviceInventory, DeviceSort, DeviceStats } from '@tether/protocol';

/** A device as the store keeps it (see `store.ts` for the rest of the store). */
export interface DeviceRecord {
  id: string;
  name: string;
  group: string;
  /** Ed25519 public key, raw 32 bytes as base64url. */
  publicKey: string;
  installerId: string | null;
  inventory: DeviceInventory;
  enrolledAt: Date;
  lastSeenAt: Date | null;
  stats: DeviceStats | null;
  statsAt: Date | null;
  /** From its installer or the install-time overrides. */
  comments: string;
  tags: string[];
  maxOfflineMinutes: number | null;
  connectionType: 'active' | 'passive';
  /** Null: enrolled by hand (`tether agent enroll`), mode unknown. */
  installMode: 'service' | 'user' | null;
  /** Set once deleted: the row is a tombstone, left out of `list()`; its agent is refused. */
  deletedAt: Date | null;
  /** Set while flagged lost (offline past the lost threshold); cleared when it comes back. */
  lostAt: Date | null;
  /** Set when its agent reported a local uninstall. */
  uninstalledAt: Date | null;
}

/** A device's fields that come from its installer; enrolment without them takes the defaults. */
export type DeviceInstallFields = Pick<
  DeviceRecord,
  'comments' | 'tags' | 'maxOfflineMinutes' | 'connectionType' | 'installMode'
>;

/** Why an enrolment was refused; nothing is written in any of these cases. */
export type EnrollRefusal = 'not_found' | 'expired' | 'revoked' | 'exhausted';

export interface DeviceRepository {
  /**
   * In one transaction: checks the installer (exists, not revoked, `expiresAt` after `now`,
   * installs below `maxInstalls`), counts the install, and creates the device. On refusal
   * nothing changes.
   */
  enroll(input: {
    installerId: string;
    now: Date;
    /** The group the device joins; default: its installer's. */
    group?: string;
    device: Omit<
      DeviceRecord,
      | 'lastSeenAt'
      | 'stats'
      | 'statsAt'
      | 'installerId'
      | 'group'
      | 'deletedAt'
      | 'lostAt'
      | 'uninstalledAt'
      | keyof DeviceInstallFields
    > &
      Partial<DeviceInstallFields>;
  }): Promise<{ ok: true; device: DeviceRecord } | { ok: false; reason: EnrollRefusal }>;
  /** Deleted devices (tombstones) too. Calls made together are read in one statement. */
  find(id: string): Promise<DeviceRecord | undefined>;
  /** Ordered by name; deleted devices (tombstones) left out. */
  list(): Promise<DeviceRecord[]>;
  updateInventory(id: string, inventory: DeviceInventory, at: Date): Promise<void>;
  updateStats(id: string, stats: DeviceStats, at: Date): Promise<void>;
  /**
   * The device was seen (its agent connected or left). Calls made together are one statement,
   * stamped with the latest of their moments.
   */
  setLastSeen(id: string, at: Date): Promise<void>;
  /**
   * Changes a device's name, comments or tags (issue 15); the device after the change, or
   * undefined when there is no such device or it was deleted.
   */
  update(
    id: string,
    changes: Partial<Pick<DeviceRecord, 'name' | 'comments' | 'tags'>>,
  ): Promise<DeviceRecord | undefined>;
  /**
   * Tombstones a device (sets `deletedAt`); false when there is no such device or it was
   * already deleted, so two deletions racing do the rest (sessions, agent, audit) once.
   */
  markDeleted(id: string, at: Date): Promise<boolean>;
}

/**
 * One page of the device list (issue 15), as the store runs it: every filter in SQL, so the
 * page and the total are right whatever the filters and the user's rights. What only memory
 * knows (which devices are online, who is at them) comes in as id lists.
 */
export interface DeviceQuery {
  /** Part of the name, hostname, tags or comments, ignoring case. */
  search?: string;
  group?: string;
  /** One of the device's tags, ignoring case. */
  tag?: string;
  /** Exact operating system name (`inventory.os.name`). */
  os?: string;
  /** Exact agent version. */
  version?: string;
  /** `true`: flagged lost only; `false`: not lost only. */
  lost?: boolean;
  /** The groups the user may see; absent: every group. */
  groups?: readonly string[];
  /** Only these devices (an online or presence filter). */
  onlyIds?: readonly string[];
  /** None of these devices (the offline filter: every device but the online ones). */
  exceptIds?: readonly string[];
  /** The devices online now, for the `online` and `lastSeen` sorts (online counts as seen now). */
  onlineIds?: readonly string[];
  sort: DeviceSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** A page of devices and how many match in all; deleted devices are never listed. */
export interface DeviceQueryRepository {
  query(query: DeviceQuery): Promise<{ devices: DeviceRecord[]; total: number }>;
}
