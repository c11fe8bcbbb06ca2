import { z } from 'zod';
import { DeviceId, Timestamp } from '../ids.js';
import { SessionKind, SessionRight, UnattendedAccessId } from '../agent/session-terms.js';
import { isViewOnlyHonoured, VIEW_ONLY_DESKTOP_ONLY } from './sessions.js';

// The access's ID and idle time are defined agent-side: the agent imports them without the
// API's schemas.
export { UNATTENDED_IDLE_MINUTES, UnattendedAccessId } from '../agent/session-terms.js';

/** How the access was admitted: `unattended`, or `dynamic` that found no user at the device. */
export const UnattendedAccessMode = z.enum(['unattended', 'dynamic']);
export type UnattendedAccessMode = z.infer<typeof UnattendedAccessMode>;

/**
 * `waiting` for the first connection, `connected` while a session runs, `idle` between
 * connections (the 15-minute timer runs), then `expired` or `revoked` for good.
 */
export const UnattendedAccessState = z.enum(['waiting', 'connected', 'idle', 'expired', 'revoked']);
export type UnattendedAccessState = z.infer<typeof UnattendedAccessState>;

/**
 * An unattended access as the API shows it; its one-time password is never part of it. A
 * device has at most one live (`waiting`, `connected` or `idle`) access at a time.
 *
 * @example
 * `${formatAccessId(access.id)} on ${access.deviceName}: ${access.state}`
 */
export const UnattendedAccess = z.object({
  id: z.string(),
  deviceId: DeviceId,
  deviceName: z.string(),
  mode: UnattendedAccessMode,
  /** What its sessions may do: the rights of its mode in the device's policy now. */
  rights: z.array(SessionRight),
  state: UnattendedAccessState,
  createdAt: Timestamp,
  createdBy: z.string(),
  /** When the password and access file stop working; null while a session runs. */
  expiresAt: Timestamp.nullable(),
  lastConnectedAt: Timestamp.nullable(),
});
export type UnattendedAccess = z.infer<typeof UnattendedAccess>;

/**
 * The live unattended access of a device, as the device list shows it (null when it is off).
 *
 * @example
 * const label = device.unattendedAccess ? `on (${device.unattendedAccess.mode})` : 'off';
 */
export const UnattendedAccessSummary = z.object({
  id: z.string(),
  mode: UnattendedAccessMode,
  state: UnattendedAccessState,
  expiresAt: Timestamp.nullable(),
});
export type UnattendedAccessSummary = z.infer<typeof UnattendedAccessSummary>;

/**
 * The downloadable access file: where and what to connect to. It holds no secret; the one-time
 * password is still needed.
 *
 * @example
 * const file = AccessFile.parse(JSON.parse(await picked.text()));
 */
export const AccessFile = z.object({
  format: z.literal('tether-access-v1'),
  server: z.url(),
  accessId: UnattendedAccessId,
  deviceId: DeviceId,
  deviceName: z.string(),
  createdAt: Timestamp,
});
export type AccessFile = z.infer<typeof AccessFile>;

/**
 * `POST /api/v1/unattended`. While the device has a live access the request is refused with
 * 409 `CONFLICT` (`details.accessId` names it) unless `replace` is true: then the live access
 * is revoked, and its sessions end, before the new password is made.
 *
 * @example
 * await api.createUnattended({ deviceId, mode: 'unattended', replace: true });
 */
export const CreateUnattendedRequest = z.strictObject({
  deviceId: DeviceId,
  mode: UnattendedAccessMode.default('unattended'),
  replace: z.boolean().default(false),
});
export type CreateUnattendedRequest = z.input<typeof CreateUnattendedRequest>;

/** Reply to `POST /api/v1/unattended`: the only time the password is shown. */
export const CreateUnattendedResponse = z.object({
  access: UnattendedAccess,
  password: z.string(),
  accessFile: AccessFile,
});
export type CreateUnattendedResponse = z.infer<typeof CreateUnattendedResponse>;

/**
 * Reply to `DELETE /api/v1/devices/:id/unattended` (turn unattended access off): the accesses
 * that were live and are now revoked; the device's agent turns its unattended service off.
 *
 * @example
 * const { revoked } = await api.turnOffUnattended(deviceId);
 */
export const UnattendedTurnedOff = z.object({ revoked: z.array(z.string()) });
export type UnattendedTurnedOff = z.infer<typeof UnattendedTurnedOff>;

/** `GET /api/v1/unattended?deviceId=` */
export const UnattendedAccessList = z.object({ accesses: z.array(UnattendedAccess) });
export type UnattendedAccessList = z.infer<typeof UnattendedAccessList>;

/**
 * `POST /api/v1/unattended/connect`: opens a session with the one-time password. The reply is a
 * `CreateSessionResponse`.
 *
 * @example
 * await api.connectUnattended({ accessId: '123456789', password, kind: 'terminal' });
 */
export const ConnectUnattendedRequest = z
  .strictObject({
    accessId: UnattendedAccessId,
    password: z.string().min(1, 'enter the one-time password').max(128),
    kind: SessionKind,
    cols: z.int().min(1).max(1000).optional(),
    rows: z.int().min(1).max(1000).optional(),
    viewOnly: z.boolean().optional(),
  })
  .refine(isViewOnlyHonoured, VIEW_ONLY_DESKTOP_ONLY);
export type ConnectUnattendedRequest = z.input<typeof ConnectUnattendedRequest>;
