import type { DeviceRight } from '@tether/protocol';
import type { UserRecord } from '../store/store.js';
import type { DeviceRights } from './device-rights.js';

/**
 * The filter a list of sessions or recordings needs so that it holds only those of devices on
 * whose group the user has `right`: lists are filtered (in the query, so a limit still counts
 * visible items) rather than refused.
 *
 * @example
 * await store.recordings.list({ limit, ...(await visibleGroups(rights, user, 'recordings')) });
 */
export async function visibleGroups(
  rights: Pick<DeviceRights, 'of'>,
  user: UserRecord,
  right: DeviceRight,
): Promise<{ groups?: readonly string[] }> {
  const groups = (await rights.of(user)).groupsWith(right);
  return groups === 'all' ? {} : { groups };
}
