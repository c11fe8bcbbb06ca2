import {
  DeviceUpgradeStatus,
  StartUpgradeResponse,
  UpgradeDeviceRequest,
} from '../api/agent-upgrades.js';
import { endpoint } from './endpoint.js';
import { DeviceParams } from './devices.js';

/**
 * One device's agent upgrade from its page: its progress, and the Upgrade button. The
 * admin listener's `upgradeEndpoints` hold the fleet's settings and builds.
 *
 * @example
 * await api.call(deviceUpgradeEndpoints.start, { params: { id }, body: {} });
 */
export const deviceUpgradeEndpoints = {
  get: endpoint({
    id: 'devices.getUpgrade',
    method: 'GET',
    path: '/api/v1/devices/:id/upgrade',
    summary: 'Read a device’s agent version and its latest upgrade',
    description:
      'Needs the `device.view` right on the device’s group. `upgrade` is null when none was started since the server started.',
    access: { kind: 'user', permission: 'devices.view' },
    params: DeviceParams,
    success: { status: 200, body: DeviceUpgradeStatus },
    errors: ['NOT_FOUND'],
  }),
  start: endpoint({
    id: 'devices.upgrade',
    method: 'POST',
    path: '/api/v1/devices/:id/upgrade',
    summary: 'Upgrade a device’s agent now',
    description:
      'Needs the `devices.manage` right on the device’s group. Queued whatever the upgrade mode; offered within the bandwidth and concurrency limits when the device is online. `skipped` says why not (already on the version, agent too old to upgrade itself).',
    access: { kind: 'user', permission: 'devices.view' },
    subject: 'upgrade',
    params: DeviceParams,
    body: UpgradeDeviceRequest,
    success: { status: 200, body: StartUpgradeResponse },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
};
