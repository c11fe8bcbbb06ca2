import type { z } from 'zod';
import type { UpdateDeviceRequest } from '@tether/protocol';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import type { ServerContext } from '../ports/server-context.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { DeviceRecord, Store, UserRecord } from '../store/store.js';

/** A device change as parsed from the wire (tags trimmed and deduplicated). */
export type DeviceChange = z.output<typeof UpdateDeviceRequest>;

/** Who changes devices: the signed-in user (for rights) and how the audit names them. */
export interface DeviceChanger {
  user: UserRecord;
  actor: AdminActor;
}

/**
 * Renames, describes, tags and/or moves one device (issue 15), after checking `devices.manage`
 * on its group (and on the group it moves to). Audited (`device.updated`, `device.moved`);
 * open consoles see the change at once. Returns the device as it is now.
 *
 * @example
 * const device = await changeDevice(context, by, deviceId, { name: 'Kiosk 3' });
 */
export async function changeDevice(
  context: ServerContext,
  by: DeviceChanger,
  deviceId: string,
  change: DeviceChange,
): Promise<DeviceRecord> {
  const access = { sourceAddress: by.actor.sourceAddress ?? null };
  const before = await context.rights.authorize(by.user, deviceId, 'devices.manage', access);
  let device = before;
  if (change.group !== undefined && change.group !== before.group) {
    await context.rights.authorizeGroup(by.user, change.group, 'devices.manage', access);
    device = await context.groups.moveDevice(before.id, change.group, by.actor);
    context.presence.events.emit({ type: 'moved', deviceId: device.id });
  }
  const changed = await saveDeviceFields(context, { device: before, change, actor: by.actor });
  if (!changed) return device;
  context.presence.events.emit({ type: 'changed', deviceId: before.id });
  return changed;
}

/**
 * Saves a device's name, comments and tags where they differ from `device` and audits it
 * (`device.updated`): the one writer for the API and the headless CLI. Undefined when nothing
 * differed, or the device was deleted meanwhile (the deletion wins, nothing is recorded).
 *
 * @example
 * await saveDeviceFields({ store, audit }, { device, change: { tags: ['kiosk'] }, actor });
 */
export async function saveDeviceFields(
  deps: { store: Store; audit: AuditLog },
  input: { device: DeviceRecord; change: DeviceChange; actor: AdminActor },
): Promise<DeviceRecord | undefined> {
  const { device, actor } = input;
  const fields = changedFields(device, input.change);
  if (Object.keys(fields).length === 0) return undefined;
  const changed = await deps.store.devices.update(device.id, fields);
  if (!changed) return undefined;
  await recordChange(deps.audit, 'device.updated', actor, device.id, {
    name: changed.name,
    ...(fields.name !== undefined && { previousName: device.name }),
    ...(fields.comments !== undefined && { comments: fields.comments }),
    ...(fields.tags !== undefined && { tags: fields.tags, previousTags: device.tags }),
  });
  return changed;
}

/** Only what differs from the device now: saving a form unchanged writes and audits nothing. */
function changedFields(
  device: DeviceRecord,
  change: DeviceChange,
): Partial<Pick<DeviceRecord, 'name' | 'comments' | 'tags'>> {
  return {
    ...(change.name !== undefined && change.name !== device.name && { name: change.name }),
    ...(change.comments !== undefined &&
      change.comments !== device.comments && { comments: change.comments }),
    ...(change.tags !== undefined && !sameTags(change.tags, device.tags) && { tags: change.tags }),
  };
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, index) => tag === b[index]);
}
