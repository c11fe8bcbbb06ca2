import { z } from 'zod';
import { CreateSessionResponse } from '../api/sessions.js';
import {
  ConnectUnattendedRequest,
  CreateUnattendedRequest,
  CreateUnattendedResponse,
  UnattendedAccessId,
  UnattendedAccessList,
  UnattendedTurnedOff,
} from '../api/unattended.js';
import { DeviceId } from '../ids.js';
import { endpoint } from './endpoint.js';
import { DeviceParams } from './devices.js';

/** Query of the unattended access list: every device's, or one device's. */
export const UnattendedListQuery = z.object({ deviceId: DeviceId.optional() });
export type UnattendedListQuery = z.input<typeof UnattendedListQuery>;

/** The path of one access, by its nine-digit session ID. */
const AccessParams = z.object({ id: UnattendedAccessId });

/**
 * Unattended access (M-2): a one-time password and session ID for a device, with which a
 * technician connects while nobody is at it. A device has at most one live access.
 */
export const unattendedEndpoints = {
  create: endpoint({
    id: 'unattended.create',
    method: 'POST',
    path: '/api/v1/unattended',
    summary: 'Turn unattended access on for a device',
    description:
      'The agent turns its unattended service on, then the answer carries the one-time password and the access file; the password is shown in this answer only. While the device has a live access this is refused with `CONFLICT` (`details.accessId` names it) unless `replace` is true. With `mode: "dynamic"` it is also refused with `CONFLICT` when a user is at the device.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'unattended access request',
    body: CreateUnattendedRequest,
    success: { status: 201, body: CreateUnattendedResponse },
    errors: [
      'INVALID_INPUT',
      'NOT_FOUND',
      'CONFLICT',
      'FORBIDDEN',
      'DEVICE_OFFLINE',
      'UNSUPPORTED_VERSION',
      'UNAVAILABLE',
    ],
  }),
  list: endpoint({
    id: 'unattended.list',
    method: 'GET',
    path: '/api/v1/unattended',
    summary: 'List unattended accesses',
    description: 'The latest accesses, live and ended, of every device or of `deviceId` only.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'unattended access list',
    query: UnattendedListQuery,
    success: { status: 200, body: UnattendedAccessList },
    errors: ['INVALID_INPUT'],
  }),
  accessFile: endpoint({
    id: 'unattended.accessFile',
    method: 'GET',
    path: '/api/v1/unattended/:id/access-file',
    summary: 'Download the access file of a live access',
    description:
      'A JSON file (`AccessFile`: server, session ID, device) to connect with later; it holds no secret, the one-time password is still needed. Refused with `TOKEN_EXPIRED` once the access is revoked or expired.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'unattended session',
    params: AccessParams,
    success: { status: 200, body: undefined, contentType: 'application/json' },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'TOKEN_EXPIRED'],
  }),
  connect: endpoint({
    id: 'unattended.connect',
    method: 'POST',
    path: '/api/v1/unattended/connect',
    summary: 'Open a session with a one-time password',
    description:
      'For a signed-in technician: the session ID and one-time password of a live access open a session like `POST /api/v1/sessions`. Wrong passwords are counted per access and device; too many give `RATE_LIMITED` (`details.retryAfterSec`). One technician at a time per access (`CONFLICT`).',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'connection request',
    body: ConnectUnattendedRequest,
    success: { status: 201, body: CreateSessionResponse },
    errors: [
      'INVALID_INPUT',
      'AUTH_FAILED',
      'RATE_LIMITED',
      'TOKEN_EXPIRED',
      'NOT_FOUND',
      'CONFLICT',
      'FORBIDDEN',
      'OUTSIDE_ACCESS_WINDOW',
      'DEVICE_OFFLINE',
      'UNSUPPORTED_VERSION',
    ],
  }),
  revoke: endpoint({
    id: 'unattended.revoke',
    method: 'DELETE',
    path: '/api/v1/unattended/:id',
    summary: 'Turn off unattended access by session ID',
    description:
      'Revokes every live access of the device of this access (as "Turn off now" in the console does): no other password may stay valid.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'unattended session',
    params: AccessParams,
    success: { status: 204, body: undefined },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
  turnOff: endpoint({
    id: 'unattended.turnOff',
    method: 'DELETE',
    path: '/api/v1/devices/:id/unattended',
    summary: 'Turn off unattended access on a device',
    description:
      'Every live access of the device is revoked and its sessions end; the agent turns its unattended service off. Answers with the revoked session IDs.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'device',
    params: DeviceParams,
    success: { status: 200, body: UnattendedTurnedOff },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
};
