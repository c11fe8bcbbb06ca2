import {
  AppError,
  type BulkDeviceAction,
  type BulkDeviceReply,
  type BulkDeviceRequest,
  type BulkDeviceResult,
} from '@tether/protocol';
import type { z } from 'zod';
import type { ServerContext } from '../ports/server-context.js';
import { wakeDevice } from '../wake/wake-devices.js';
import { changeDevice, type DeviceChanger } from './device-changes.js';
import { deleteDevice } from './delete-device.js';

/** A bulk request as parsed from the wire. */
export type BulkDeviceInput = z.output<typeof BulkDeviceRequest>;

type OneDevice = (deviceId: string) => Promise<void>;

/**
 * Runs one action on each selected device (issue 15): each is checked (`devices.manage` on its
 * group) and changed on its own, so a refusal or a failure on one device is that device's
 * result and the others go on. Results come in the request's order.
 *
 * @example
 * const reply = await runBulkAction(context, by, { action: 'tag', deviceIds, tags: ['kiosk'] });
 */
export async function runBulkAction(
  context: ServerContext,
  by: DeviceChanger,
  request: BulkDeviceInput,
): Promise<BulkDeviceReply> {
  const deviceIds = [...new Set(request.deviceIds)];
  if (request.action === 'upgrade') return upgradeAll(context, by, deviceIds);
  const one = oneDevice(context, by, request);
  const results: BulkDeviceResult[] = [];
  // One after the other: a thousand devices are a few seconds, and the database and the audit
  // are not flooded by one administrator's click.
  for (const deviceId of deviceIds) results.push(await outcome(context, deviceId, one));
  return { action: request.action, results };
}

function oneDevice(context: ServerContext, by: DeviceChanger, request: BulkDeviceInput): OneDevice {
  const tags = request.tags ?? [];
  const manage = (deviceId: string) =>
    context.rights.authorize(by.user, deviceId, 'devices.manage', {
      sourceAddress: by.actor.sourceAddress ?? null,
    });
  const actions: Record<Exclude<BulkDeviceAction, 'upgrade'>, OneDevice> = {
    move: async (deviceId) => {
      await changeDevice(context, by, deviceId, { group: request.group ?? '' });
    },
    tag: async (deviceId) => {
      const device = await manage(deviceId);
      await changeDevice(context, by, device.id, { tags: [...new Set([...device.tags, ...tags])] });
    },
    untag: async (deviceId) => {
      const device = await manage(deviceId);
      const kept = device.tags.filter((tag) => !tags.includes(tag));
      await changeDevice(context, by, device.id, { tags: kept });
    },
    delete: async (deviceId) => {
      const device = await manage(deviceId);
      await deleteDevice(context, device.id, { by: 'administrator', actor: by.actor });
    },
    wake: async (deviceId) => {
      const device = await manage(deviceId);
      await wakeDevice(context, device.id, by.actor);
    },
  };
  return actions[request.action as Exclude<BulkDeviceAction, 'upgrade'>];
}

/** Queues the devices the user may manage in one upgrade request; the rest say why not. */
async function upgradeAll(
  context: ServerContext,
  by: DeviceChanger,
  deviceIds: readonly string[],
): Promise<BulkDeviceReply> {
  const results = new Map<string, BulkDeviceResult>();
  for (const deviceId of deviceIds) {
    const result = await outcome(context, deviceId, async (id) => {
      await context.rights.authorize(by.user, id, 'devices.manage', {
        sourceAddress: by.actor.sourceAddress ?? null,
      });
    });
    results.set(deviceId, result);
  }
  const allowed = deviceIds.filter((id) => results.get(id)?.ok);
  if (allowed.length > 0) {
    try {
      const queued = await context.upgrades.startManual({ deviceIds: allowed }, by.actor.username);
      for (const skipped of queued.skipped)
        results.set(skipped.deviceId, {
          deviceId: skipped.deviceId,
          ok: false,
          error: { code: 'CONFLICT', message: skipped.reason },
        });
    } catch (error) {
      const body = errorBody(context, error);
      for (const id of allowed) results.set(id, { deviceId: id, ok: false, error: body });
    }
  }
  return {
    action: 'upgrade',
    results: deviceIds.map((id) => results.get(id) ?? { deviceId: id, ok: false }),
  };
}

async function outcome(
  context: ServerContext,
  deviceId: string,
  run: OneDevice,
): Promise<BulkDeviceResult> {
  try {
    await run(deviceId);
    return { deviceId, ok: true };
  } catch (error) {
    return { deviceId, ok: false, error: errorBody(context, error) };
  }
}

/** An `AppError` says itself; anything else is logged here and answered as INTERNAL. */
function errorBody(context: ServerContext, error: unknown): BulkDeviceResult['error'] {
  if (error instanceof AppError) return error.toBody();
  context.log.error({ err: error }, 'a bulk device action failed');
  return { code: 'INTERNAL', message: 'The server could not do this on the device.' };
}
