import { z } from 'zod';
import { DeviceId } from '../ids.js';
import { ErrorBody } from '../errors.js';
import { GroupName } from './policies.js';

/** A device's display name: what the console shows instead of its hostname. */
export const DeviceName = z.string().trim().min(1, 'must not be empty').max(128);

/** One tag: a word or short phrase to find devices by. */
export const DeviceTag = z.string().trim().min(1, 'must not be empty').max(64);

/** At most this many tags on one device. */
export const MAX_DEVICE_TAGS = 32;

/** A device's tags: trimmed, without duplicates (letter case kept), at most {@link MAX_DEVICE_TAGS}. */
export const DeviceTags = z
  .array(DeviceTag)
  .max(MAX_DEVICE_TAGS)
  .transform((tags) => [...new Set(tags)]);

/**
 * `PATCH /api/v1/devices/:id`: what to change; absent fields stay as they are. `group` moves the
 * device (the `devices.manage` right on both groups).
 *
 * @example
 * const change: UpdateDeviceRequest = { name: 'Reception PC', tags: ['front-desk'] };
 */
export const UpdateDeviceRequest = z
  .strictObject({
    name: DeviceName.optional(),
    comments: z.string().max(1024).optional(),
    tags: DeviceTags.optional(),
    group: GroupName.optional(),
  })
  .refine((change) => Object.keys(change).length > 0, {
    message: 'name at least one of name, comments, tags, group',
  });
export type UpdateDeviceRequest = z.input<typeof UpdateDeviceRequest>;

/** What a bulk action does to each selected device. */
export const BULK_DEVICE_ACTIONS = ['move', 'tag', 'untag', 'delete', 'upgrade', 'wake'] as const;
export const BulkDeviceAction = z.enum(BULK_DEVICE_ACTIONS);
export type BulkDeviceAction = z.infer<typeof BulkDeviceAction>;

/** At most this many devices in one bulk request. */
export const MAX_BULK_DEVICES = 1000;

/**
 * `POST /api/v1/devices/bulk`: one action on many devices. `move` needs `group`, `tag` and
 * `untag` need `tags`; each device is checked on its own (rights, existence), so one refusal
 * does not stop the others.
 *
 * @example
 * const request: BulkDeviceRequest = { action: 'tag', deviceIds, tags: ['kiosk'] };
 */
export const BulkDeviceRequest = z
  .strictObject({
    action: BulkDeviceAction,
    deviceIds: z.array(DeviceId).min(1).max(MAX_BULK_DEVICES),
    group: GroupName.optional(),
    tags: DeviceTags.optional(),
  })
  .refine((request) => request.action !== 'move' || request.group !== undefined, {
    message: 'move needs the group to move the devices to',
    path: ['group'],
  })
  .refine(
    (request) =>
      (request.action !== 'tag' && request.action !== 'untag') ||
      (request.tags !== undefined && request.tags.length > 0),
    { message: 'tag and untag need at least one tag', path: ['tags'] },
  );
export type BulkDeviceRequest = z.input<typeof BulkDeviceRequest>;

/** What happened to one device of a bulk action: done, or the error that stopped it. */
export const BulkDeviceResult = z.object({
  deviceId: DeviceId,
  ok: z.boolean(),
  /** Why not, when `ok` is false (e.g. `FORBIDDEN`, `NOT_FOUND`, `DEVICE_OFFLINE`). */
  error: ErrorBody.optional(),
});
export type BulkDeviceResult = z.infer<typeof BulkDeviceResult>;

/**
 * Reply of `POST /api/v1/devices/bulk`: one result per device, in the request's order.
 *
 * @example
 * const failed = reply.results.filter((result) => !result.ok);
 */
export const BulkDeviceReply = z.object({
  action: BulkDeviceAction,
  results: z.array(BulkDeviceResult),
});
export type BulkDeviceReply = z.infer<typeof BulkDeviceReply>;
