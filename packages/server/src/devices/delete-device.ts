import { AppError, wsCloseCode } from '@tether/protocol';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import type { ServerContext } from '../ports/server-context.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { DeviceRecord, Store } from '../store/store.js';
import { uninstallMessage } from './uninstall-message.js';

/**
 * Why a device is deleted: an administrator's action, maintenance past its threshold, or
 * the end of the ad-hoc session whose one-time agent it was.
 */
export type DeviceDeletion =
  | { by: 'administrator'; actor: AdminActor }
  | { by: 'maintenance' }
  /** The one-time device of an ended ad-hoc session. */
  | { by: 'adhoc'; adhocSessionId: string };

/** Sessions of one device are few; this bounds the read should a device hold many. */
const MAX_OPEN_SESSIONS = 1000;

/**
 * Deletes a device (issue 15): marks the row deleted (a tombstone, so history keeps its name),
 * revokes its unattended access, ends its sessions, tells its agent to uninstall when online
 * (`device.uninstall`) and closes its connection; the agent channel refuses it and tells it
 * again should it come back. Audited (`device.deleted`); open consoles drop it at once.
 *
 * Rights are the caller's business (the API checks `devices.manage`). `NOT_FOUND` when there is
 * no such device; deleting a device deleted already resolves and changes nothing, so a
 * maintenance pass racing an administrator does the rest once.
 *
 * @example
 * await deleteDevice(context, deviceId, { by: 'administrator', actor: { username: 'admin' } });
 */
export async function deleteDevice(
  context: ServerContext,
  deviceId: string,
  deletion: DeviceDeletion,
): Promise<void> {
  const device = await context.store.devices.find(deviceId);
  if (!device)
    throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
  const link = context.presence.get(device.id);
  // The tombstone first: from now on the device refuses sessions (rights say NOT_FOUND) and its
  // agent, reconnecting, is refused; what follows only clears what was running.
  if (!(await tombstoneDevice(context, { device, deletion, wasOnline: !!link }))) return;
  await clearDeletedDevice(context, device, deletion);
}

/**
 * What a deletion ends on this server, once the device is a tombstone: its unattended access,
 * its sessions, its agent's connection (told to uninstall first), its row in open consoles.
 */
export async function clearDeletedDevice(
  context: ServerContext,
  device: DeviceRecord,
  deletion: DeviceDeletion,
): Promise<void> {
  const by =
    deletion.by === 'administrator'
      ? { actor: deletion.actor.username, sourceAddress: deletion.actor.sourceAddress ?? '' }
      : { actor: deletion.by, sourceAddress: '' };
  await context.unattended.turnOffForDeletion(device.id, by);
  await endSessions(context, device, `The device "${device.name}" was deleted by ${by.actor}.`);
  const link = context.presence.get(device.id);
  if (link) {
    link.send(
      uninstallMessage(
        deletion.by === 'administrator'
          ? { by: 'administrator', username: deletion.actor.username }
          : { by: deletion.by },
      ),
    );
    link.close(wsCloseCode.NOT_FOUND, 'The device was deleted.');
  }
  context.presence.events.emit({ type: 'deleted', deviceId: device.id });
}

/**
 * Marks a device deleted and audits it (`device.deleted`): what the headless CLI does, the
 * running server finishing the rest ({@link finishHeadlessDeletions}). False when it was deleted
 * already; nothing is recorded then.
 *
 * @example
 * await tombstoneDevice({ store, audit, clock }, { device, deletion });
 */
export async function tombstoneDevice(
  deps: { store: Store; audit: AuditLog; clock: Clock },
  /** `wasOnline`: whether its agent was connected (unknown to the headless CLI). */
  input: { device: DeviceRecord; deletion: DeviceDeletion; wasOnline?: boolean },
): Promise<boolean> {
  const { device, deletion } = input;
  if (device.deletedAt) return false;
  if (!(await deps.store.devices.markDeleted(device.id, deps.clock.now()))) return false;
  const details = {
    name: device.name,
    group: device.group,
    by: deletion.by,
    ...(input.wasOnline !== undefined && { wasOnline: input.wasOnline }),
  };
  if (deletion.by === 'administrator')
    await recordChange(deps.audit, 'device.deleted', deletion.actor, device.id, details);
  else
    await deps.audit.record({
      action: 'device.deleted',
      actor: deletion.by,
      target: device.id,
      details,
    });
  return true;
}

async function endSessions(
  context: ServerContext,
  device: DeviceRecord,
  reason: string,
): Promise<void> {
  const open = await context.store.sessions.list({
    limit: MAX_OPEN_SESSIONS,
    deviceId: device.id,
    states: ['pending', 'active'],
  });
  for (const session of open) await context.sessions.end(session.id, reason);
}
