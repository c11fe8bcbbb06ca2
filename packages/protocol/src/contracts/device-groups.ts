import { z } from 'zod';
import {
  CreateDeviceGroupRequest,
  DeleteDeviceGroupQuery,
  DeviceGroupId,
  DeviceGroupList,
  DeviceGroupResponse,
  MoveDeviceRequest,
  UpdateDeviceGroupRequest,
} from '../api/device-groups.js';
import { endpoint } from './endpoint.js';
import { DeviceParams, DeviceReply } from './devices.js';

const manage = { kind: 'user', permission: 'groups.manage' } as const;
const byId = z.object({ id: DeviceGroupId });

/**
 * Device groups (issue 12): the groups installers, policies and integration tenants pick from.
 * Everyone who sees devices sees the groups; administrators change them.
 *
 * @example
 * await callEndpoint(transport, deviceGroupEndpoints.create, { body: { name: 'Servers' } });
 */
export const deviceGroupEndpoints = {
  list: endpoint({
    id: 'deviceGroups.list',
    method: 'GET',
    path: '/api/v1/device-groups',
    summary: 'List device groups',
    description: 'Every device group by name, with how many devices it holds.',
    access: { kind: 'user', permission: 'devices.view' },
    success: { status: 200, body: DeviceGroupList },
    errors: [],
  }),
  create: endpoint({
    id: 'deviceGroups.create',
    method: 'POST',
    path: '/api/v1/device-groups',
    summary: 'Create a device group',
    description:
      'A name already used by another group, in any letter case, is `CONFLICT`. Installers, policy assignments and integration tenants can then name the group.',
    access: manage,
    subject: 'device group',
    body: CreateDeviceGroupRequest,
    success: { status: 201, body: DeviceGroupResponse },
    errors: ['INVALID_INPUT', 'CONFLICT'],
  }),
  update: endpoint({
    id: 'deviceGroups.update',
    method: 'PATCH',
    path: '/api/v1/device-groups/:id',
    summary: 'Rename a device group or change its description',
    description:
      'A rename is one transaction: the devices, installers, policy assignments and integration tenants of the group carry the new name together. A name used by another group is `CONFLICT`.',
    access: manage,
    subject: 'device group change',
    params: byId,
    body: UpdateDeviceGroupRequest,
    success: { status: 200, body: DeviceGroupResponse },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'CONFLICT'],
  }),
  remove: endpoint({
    id: 'deviceGroups.delete',
    method: 'DELETE',
    path: '/api/v1/device-groups/:id',
    summary: 'Delete a device group',
    description:
      '`CONFLICT` (with `details.blockers`) while devices or active installers are in the group or an integration tenant is bound to it: move the devices, revoke the installers and change the tenants first. Policies assigned to the group also refuse the deletion unless `removeAssignments=true` confirms that those assignments are removed with it.',
    access: manage,
    subject: 'device group',
    params: byId,
    query: DeleteDeviceGroupQuery,
    success: { status: 204, body: undefined },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'CONFLICT'],
  }),
  moveDevice: endpoint({
    id: 'devices.move',
    method: 'PUT',
    path: '/api/v1/devices/:id/group',
    summary: 'Move a device to another group',
    description:
      'The group must exist (`INVALID_INPUT` otherwise). The policies, assistance modes and integration tenants of the new group apply to the device from now on; sessions already open stay open.',
    access: manage,
    subject: 'device move',
    params: DeviceParams,
    body: MoveDeviceRequest,
    success: { status: 200, body: DeviceReply },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
};
