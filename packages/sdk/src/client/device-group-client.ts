import {
  deviceGroupEndpoints,
  type CreateDeviceGroupRequest,
  type Device,
  type DeviceGroup,
  type MoveDeviceRequest,
  type UpdateDeviceGroupRequest,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/**
 * The device group calls of the API client (issue 12). Listing needs `devices.view`; changes
 * need an administrator.
 */
export interface DeviceGroupClient {
  /** Every group by name, with its device count. */
  listDeviceGroups(): Promise<DeviceGroup[]>;
  /** Rejects with `CONFLICT` when the name is taken (ignoring letter case). */
  createDeviceGroup(request: CreateDeviceGroupRequest): Promise<DeviceGroup>;
  /** A rename carries the group's devices, installers, policy assignments and tenants along. */
  updateDeviceGroup(groupId: string, request: UpdateDeviceGroupRequest): Promise<DeviceGroup>;
  /**
   * Rejects with `CONFLICT` (`details.blockers`) while the group is in use; `removeAssignments`
   * confirms that the policy assignments of the group are removed with it.
   */
  deleteDeviceGroup(groupId: string, options?: { removeAssignments?: boolean }): Promise<void>;
  /** Moves a device to an existing group; returns the device. */
  moveDevice(deviceId: string, request: MoveDeviceRequest): Promise<Device>;
}

/**
 * The device group calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const servers = await api.createDeviceGroup({ name: 'Servers' });
 * await api.updateDeviceGroup(servers.id, { name: 'Paris servers' });
 */
export function createDeviceGroupClient(transport: HttpTransport): DeviceGroupClient {
  return {
    listDeviceGroups: async () =>
      (await callEndpoint(transport, deviceGroupEndpoints.list, {})).groups,
    createDeviceGroup: async (request) =>
      (await callEndpoint(transport, deviceGroupEndpoints.create, { body: request })).group,
    updateDeviceGroup: async (groupId, request) =>
      (
        await callEndpoint(transport, deviceGroupEndpoints.update, {
          params: { id: groupId },
          body: request,
        })
      ).group,
    deleteDeviceGroup: (groupId, options = {}) =>
      callEndpoint(transport, deviceGroupEndpoints.remove, {
        params: { id: groupId },
        query: { removeAssignments: options.removeAssignments ? 'true' : 'false' },
      }),
    moveDevice: async (deviceId, request) =>
      (
        await callEndpoint(transport, deviceGroupEndpoints.moveDevice, {
          params: { id: deviceId },
          body: request,
        })
      ).device,
  };
}
