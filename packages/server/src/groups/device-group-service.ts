import { randomUUID } from 'node:crypto';
import {
  AppError,
  CreateDeviceGroupRequest,
  UpdateDeviceGroupRequest,
  parseOrThrow,
  type DeviceGroup,
  type DeviceGroupDeleteRefusal,
} from '@tether/protocol';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type {
  DeviceGroupListItem,
  DeviceGroupRecord,
  GroupReferenceUse,
} from '../store/device-group-repository.js';
import type { DeviceRecord, Store } from '../store/store.js';
import { HOW_TO_CREATE_GROUP } from './known-groups.js';

/** Who asks for a change, as the audit log names them. */
export type DeviceGroupActor = AdminActor;

export interface DeviceGroupService {
  list(): Promise<DeviceGroup[]>;
  /** The group of this name (ignoring case); `NOT_FOUND` when there is none (the CLI names groups). */
  findByName(name: string): Promise<DeviceGroup>;
  create(request: CreateDeviceGroupRequest, actor: DeviceGroupActor): Promise<DeviceGroup>;
  /** A rename carries every device, installer, policy assignment and tenant with it. */
  update(
    id: string,
    request: UpdateDeviceGroupRequest,
    actor: DeviceGroupActor,
  ): Promise<DeviceGroup>;
  /** `CONFLICT` naming what still uses the group (see `DeviceGroupRepository.delete`). */
  delete(
    id: string,
    options: { removeAssignments: boolean },
    actor: DeviceGroupActor,
  ): Promise<void>;
  /** Moves a device to an existing group; returns the device as stored after the move. */
  moveDevice(deviceId: string, group: string, actor: DeviceGroupActor): Promise<DeviceRecord>;
}

/** Names the group that has the name already (the store's own CONFLICT covers races). */
async function refuseTakenName(store: Store, name: string, exceptId?: string): Promise<void> {
  const holder = await store.deviceGroups.findByName(name);
  if (!holder || holder.id === exceptId) return;
  throw new AppError(
    'CONFLICT',
    `The device group "${holder.name}" already has this name (names are compared ignoring letter case). Choose another name.`,
  );
}

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'There is no such device group (it may have been deleted).');
}

function toApiGroup(record: DeviceGroupRecord, deviceCount: number): DeviceGroup {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    createdAt: record.createdAt.toISOString(),
    deviceCount,
  };
}

/** `3 devices ("web-01", "web-02", "db-01")`: a count with the names the store quoted. */
function describeUse(use: GroupReferenceUse): string {
  const more = use.count > use.examples.length ? ', …' : '';
  const quoted = use.examples.map((name) => `"${name}"`).join(', ');
  return `${use.count} ${use.count === 1 ? use.one : use.what}${quoted ? ` (${quoted}${more})` : ''}`;
}

/** The refusal of a deletion: what holds the group, and what to do about each. */
function deleteRefusal(name: string, blockers: GroupReferenceUse[]): AppError {
  const held = blockers.map(describeUse).join(', ');
  const todo = blockers.map((use) => `${use.what}: ${use.hint}`).join('; ');
  return new AppError(
    'CONFLICT',
    `Cannot delete device group "${name}": it still has ${held}. First ${todo}.`,
    {
      blockers: blockers.map(({ what, count, examples, isRemovable }) => ({
        what,
        count,
        examples,
        isRemovable,
      })),
    } satisfies DeviceGroupDeleteRefusal,
  );
}

/**
 * Device groups (issue 12): the one place for their rules — names unique ignoring case, a rename
 * that carries every reference along, no deletion while something uses the group — for the API
 * and the headless CLI alike. Every change is audited.
 */
export function createDeviceGroupService(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}): DeviceGroupService {
  const { store, clock, audit } = deps;

  async function withCount(record: DeviceGroupRecord): Promise<DeviceGroup> {
    const listed = (await store.deviceGroups.list()).find((each) => each.id === record.id);
    return toApiGroup(record, listed?.deviceCount ?? 0);
  }

  return {
    async list() {
      const groups = await store.deviceGroups.list();
      return groups.map((each: DeviceGroupListItem) => toApiGroup(each, each.deviceCount));
    },

    async findByName(name) {
      const group = await store.deviceGroups.findByName(name);
      if (!group)
        throw new AppError(
          'NOT_FOUND',
          `There is no device group "${name}". ${HOW_TO_CREATE_GROUP}`,
        );
      return withCount(group);
    },

    async create(request, actor) {
      const input = parseOrThrow(CreateDeviceGroupRequest, request, 'device group');
      await refuseTakenName(store, input.name);
      const group = await store.deviceGroups.create({
        id: randomUUID(),
        name: input.name,
        description: input.description,
        createdAt: clock.now(),
      });
      await recordChange(audit, 'device_group.created', actor, group.name, {
        description: group.description,
      });
      return toApiGroup(group, 0);
    },

    async update(id, request, actor) {
      const input = parseOrThrow(UpdateDeviceGroupRequest, request, 'device group change');
      const before = await store.deviceGroups.find(id);
      if (!before) throw notFound();
      if (input.name !== undefined) await refuseTakenName(store, input.name, id);
      const changed = await store.deviceGroups.update(id, input);
      if (!changed) throw notFound();
      const details: Record<string, unknown> = {};
      if (changed.name !== before.name) details.previousName = before.name;
      if (changed.description !== before.description) details.description = changed.description;
      if (Object.keys(details).length > 0)
        await recordChange(audit, 'device_group.updated', actor, changed.name, details);
      return withCount(changed);
    },

    async delete(id, options, actor) {
      const group = await store.deviceGroups.find(id);
      if (!group) throw notFound();
      const result = await store.deviceGroups.delete(id, { ...options, now: clock.now() });
      if (!result) throw notFound();
      if (!result.deleted) throw deleteRefusal(group.name, result.blockers);
      await recordChange(audit, 'device_group.deleted', actor, group.name, {
        removed: result.removed.map((use) => ({ what: use.what, count: use.count })),
      });
    },

    async moveDevice(deviceId, group, actor) {
      const moved = await store.deviceGroups.moveDevice(deviceId, group);
      if (moved === 'no_device')
        throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
      if (moved === 'no_group')
        throw new AppError(
          'INVALID_INPUT',
          `There is no device group "${group}". ${HOW_TO_CREATE_GROUP}`,
          { group },
        );
      const device = await store.devices.find(deviceId);
      if (!device)
        throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
      if (moved.from !== moved.to)
        await recordChange(audit, 'device.moved', actor, device.id, {
          name: device.name,
          from: moved.from,
          to: moved.to,
        });
      return device;
    },
  };
}
