import { z } from 'zod';
import { DeviceGroupId } from '../api/device-groups.js';
import { GroupStatistics, GroupStatisticsList, StatisticsSettings } from '../api/statistics.js';
import { endpoint } from './endpoint.js';

const byGroup = z.object({ id: DeviceGroupId });

/**
 * Statistics settings per device group: a group's own settings override the fleet's
 * (`settingsEndpoints.getStatistics`) for its agents, which get them at once.
 *
 * @example
 * await api.call(groupStatisticsEndpoints.set, { params: { id }, body: { intervalSec: 300, enabled: ['uptime'] } });
 */
export const groupStatisticsEndpoints = {
  list: endpoint({
    id: 'settings.listGroupStatistics',
    method: 'GET',
    path: '/api/v1/settings/statistics/groups',
    summary: 'List the device groups with statistics settings of their own',
    access: { kind: 'user', permission: 'console.use' },
    success: { status: 200, body: GroupStatisticsList },
    errors: [],
  }),
  set: endpoint({
    id: 'settings.setGroupStatistics',
    method: 'PUT',
    path: '/api/v1/device-groups/:id/statistics',
    summary: 'Give a device group its own statistics settings (A-5)',
    description:
      'They override the fleet-wide settings for the devices of the group; online agents of the group get them at once. A device moved to another group gets that group’s.',
    access: { kind: 'user', permission: 'settings.manage' },
    subject: 'statistics settings',
    params: byGroup,
    body: StatisticsSettings,
    success: { status: 200, body: GroupStatistics },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
  remove: endpoint({
    id: 'settings.removeGroupStatistics',
    method: 'DELETE',
    path: '/api/v1/device-groups/:id/statistics',
    summary: 'Return a device group to the fleet-wide statistics settings',
    access: { kind: 'user', permission: 'settings.manage' },
    params: byGroup,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
};
