import type { DeviceSort } from '@tether/protocol';
import type { DeviceRecord } from './store.js';

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
