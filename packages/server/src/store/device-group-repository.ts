/** A device group as stored (issue 12). */
export interface DeviceGroupRecord {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
}

/** A group in the list, with how many devices it holds. */
export interface DeviceGroupListItem extends DeviceGroupRecord {
  deviceCount: number;
}

/** What still names a group and so keeps it from being deleted (see `group-references.ts`). */
export interface GroupReferenceUse {
  /** Plural noun for messages: `devices`, `active installers`, … */
  what: string;
  /** The same noun for one. */
  one: string;
  count: number;
  /** Up to a few names of what holds the group (device, policy, tenant names), for messages. */
  examples: string[];
  /** What the administrator does to release the group. */
  hint: string;
  /** Removed with the group when the deletion is confirmed (`removeAssignments`). */
  isRemovable: boolean;
}

/** Why a deletion did not happen; nothing changed. */
export type DeviceGroupDeleteResult =
  | { deleted: true; removed: GroupReferenceUse[] }
  | { deleted: false; blockers: GroupReferenceUse[] };

/**
 * Device groups. Everything else names a group by its name, so a rename rewrites every
 * reference in the same transaction, and a group still referenced is not deleted.
 */
export interface DeviceGroupRepository {
  /** Fails with `AppError('CONFLICT')` when the name is taken (case-insensitive). */
  create(group: DeviceGroupRecord): Promise<DeviceGroupRecord>;
  find(id: string): Promise<DeviceGroupRecord | undefined>;
  /** Case-insensitive. */
  findByName(name: string): Promise<DeviceGroupRecord | undefined>;
  /** By name, case-insensitively. */
  list(): Promise<DeviceGroupListItem[]>;
  /**
   * Renames (every reference follows, in one transaction) and/or describes the group anew.
   * Undefined when there is no such group; `AppError('CONFLICT')` when another group has the name.
   */
  update(
    id: string,
    changes: { name?: string; description?: string },
  ): Promise<DeviceGroupRecord | undefined>;
  /**
   * Deletes the group unless something still names it: references that refuse always block;
   * removable ones (policy assignments) block unless `removeAssignments`, and are then removed
   * with it. Undefined when there is no such group. `now` decides which installers are active.
   */
  delete(
    id: string,
    options: { now: Date; removeAssignments: boolean },
  ): Promise<DeviceGroupDeleteResult | undefined>;
  /**
   * Moves a device into the group named `group` (case-insensitive; the device takes its exact
   * name). `no_group` / `no_device` when either does not exist; nothing changes then.
   */
  moveDevice(
    deviceId: string,
    group: string,
  ): Promise<{ from: string; to: string } | 'no_group' | 'no_device'>;
}
