import type {
  DeviceList,
  DevicePresenceFilter,
  ParsedDeviceListQuery,
  UserPresenceReport,
} from '@tether/protocol';
import type { DeviceQuery, Store } from '../store/store.js';
import type { UserRights } from '../rights/user-rights.js';
import type { DevicePresence } from './device-presence.js';
import { toApiDevice } from './device-view.js';

/** Whether a user's presence report is what the filter asks for. */
function matchesPresence(report: UserPresenceReport, wanted: DevicePresenceFilter): boolean {
  if (wanted === 'absent') return !report.loggedIn;
  return report.loggedIn && report.screenLocked === (wanted === 'locked');
}

/**
 * The store query for a list request: the user's visible groups, and the memory-only facts
 * (online, presence) as id lists so that SQL filters, counts and pages them with the rest.
 */
export function deviceQueryFor(input: {
  query: ParsedDeviceListQuery;
  rights: UserRights;
  presence: DevicePresence;
}): DeviceQuery {
  const { query, rights, presence } = input;
  const visible = rights.groupsWith('device.view');
  const onlineIds = (): string[] => presence.onlineIds();
  const store: DeviceQuery = {
    sort: query.sort,
    order: query.order,
    limit: query.limit,
    offset: query.offset,
    ...(visible === 'all' ? {} : { groups: visible }),
  };
  for (const key of ['search', 'group', 'tag', 'os', 'version', 'lost'] as const)
    if (query[key] !== undefined) Object.assign(store, { [key]: query[key] });
  if (query.presence !== undefined) {
    // Only online devices report presence: "offline and present" is nobody.
    const { presence: wanted } = query;
    store.onlyIds =
      query.online === false
        ? []
        : presence.onlineIds().filter((deviceId) => {
            const reported = presence.get(deviceId)?.userPresence;
            return reported !== undefined && matchesPresence(reported, wanted);
          });
  } else if (query.online === true) store.onlyIds = onlineIds();
  else if (query.online === false) store.exceptIds = onlineIds();
  if (query.sort === 'online' || query.sort === 'lastSeen') store.onlineIds = onlineIds();
  return store;
}

/**
 * `GET /api/v1/devices`: one page of the devices the user may see, filtered and sorted in the
 * store, each with its live state and what the user may do on it.
 */
export async function listDevices(input: {
  store: Store;
  presence: DevicePresence;
  rights: UserRights;
  query: ParsedDeviceListQuery;
}): Promise<DeviceList> {
  const { store, presence, rights, query } = input;
  const [page, live] = await Promise.all([
    store.deviceQuery.query(deviceQueryFor({ query, rights, presence })),
    store.unattended.listLive(),
  ]);
  const unattended = new Map(live.map((access) => [access.deviceId, access]));
  return {
    devices: page.devices.map((device) => ({
      ...toApiDevice(device, presence.get(device.id), unattended.get(device.id)),
      rights: rights.on(device.group),
    })),
    total: page.total,
    offset: query.offset,
    limit: query.limit,
  };
}
