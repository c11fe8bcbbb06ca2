import { z } from 'zod';
import { Timestamp } from '../ids.js';
import { GroupName } from './policies.js';

/** A device group's ID (UUID). @example DeviceGroupId.parse(crypto.randomUUID()) */
export const DeviceGroupId = z.uuid();
export type DeviceGroupId = z.infer<typeof DeviceGroupId>;

/** What an administrator writes about a group, shown beside its name. */
export const DeviceGroupDescription = z.string().trim().max(1024);

/**
 * A device group (issue 12): devices, installers, policy assignments and integration tenants
 * name it; its name is unique case-insensitively.
 *
 * @example
 * const label = `${group.name} (${group.deviceCount} devices)`;
 */
export const DeviceGroup = z.object({
  id: DeviceGroupId,
  name: z.string(),
  description: z.string(),
  createdAt: Timestamp,
  /** Devices in the group now. */
  deviceCount: z.int().nonnegative(),
});
export type DeviceGroup = z.infer<typeof DeviceGroup>;

/** `GET /api/v1/device-groups`: every group, by name. */
export const DeviceGroupList = z.object({ groups: z.array(DeviceGroup) });
export type DeviceGroupList = z.infer<typeof DeviceGroupList>;

/** The answer of every call that creates or changes one group. */
export const DeviceGroupResponse = z.object({ group: DeviceGroup });
export type DeviceGroupResponse = z.infer<typeof DeviceGroupResponse>;

/**
 * `POST /api/v1/device-groups`.
 *
 * @example
 * await api.createDeviceGroup({ name: 'Servers', description: 'Racks in Paris' });
 */
export const CreateDeviceGroupRequest = z.strictObject({
  name: GroupName,
  description: DeviceGroupDescription.default(''),
});
export type CreateDeviceGroupRequest = z.input<typeof CreateDeviceGroupRequest>;

/**
 * `PATCH /api/v1/device-groups/:id`: a new name (every device, installer, policy assignment and
 * tenant follows it) and/or a new description.
 *
 * @example
 * await api.updateDeviceGroup(group.id, { name: 'Paris servers' });
 */
export const UpdateDeviceGroupRequest = z
  .strictObject({ name: GroupName.optional(), description: DeviceGroupDescription.optional() })
  .refine((changes) => changes.name !== undefined || changes.description !== undefined, {
    message: 'give a name, a description or both',
  });
export type UpdateDeviceGroupRequest = z.input<typeof UpdateDeviceGroupRequest>;

/**
 * `DELETE /api/v1/device-groups/:id` query. Policies assigned to the group keep it from being
 * deleted unless `removeAssignments=true` confirms that those assignments go with it.
 *
 * @example
 * await api.deleteDeviceGroup(group.id, { removeAssignments: true }); // sends 'true'
 */
export const DeleteDeviceGroupQuery = z.object({
  removeAssignments: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});
export type DeleteDeviceGroupQuery = z.input<typeof DeleteDeviceGroupQuery>;

/**
 * `PUT /api/v1/devices/:id/group`: moves a device to another existing group; the policies of
 * its new group apply from now on.
 *
 * @example
 * await api.moveDevice(device.id, { group: 'Servers' });
 */
export const MoveDeviceRequest = z.strictObject({ group: GroupName });
export type MoveDeviceRequest = z.input<typeof MoveDeviceRequest>;

/**
 * What keeps a group from being deleted: `details` of the `CONFLICT` that
 * `DELETE /api/v1/device-groups/:id` answers. `isRemovable` blockers (policy assignments) go
 * with the group when the deletion is confirmed with `removeAssignments=true`.
 *
 * @example
 * const refusal = DeviceGroupDeleteRefusal.safeParse(error.details);
 * const canConfirm = refusal.success && refusal.data.blockers.every((b) => b.isRemovable);
 */
export const DeviceGroupDeleteRefusal = z.object({
  blockers: z.array(
    z.object({
      what: z.string(),
      count: z.int().nonnegative(),
      examples: z.array(z.string()),
      isRemovable: z.boolean(),
    }),
  ),
});
export type DeviceGroupDeleteRefusal = z.infer<typeof DeviceGroupDeleteRefusal>;
