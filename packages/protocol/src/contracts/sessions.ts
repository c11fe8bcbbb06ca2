import { z } from 'zod';
import {
  CreateSessionRequest,
  CreateSessionResponse,
  Session,
  SessionList,
} from '../api/sessions.js';
import { DeviceId, SessionId } from '../ids.js';
import { endpoint } from './endpoint.js';

/** Query of the session list: newest first, optionally of one device. */
export const SessionListQuery = z.object({
  deviceId: DeviceId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type SessionListQuery = z.input<typeof SessionListQuery>;

/** Reply of `GET /api/v1/sessions/:id`. */
export const SessionReply = z.object({ session: Session });
export type SessionReply = z.infer<typeof SessionReply>;

const SessionParams = z.object({ id: SessionId });

/** Terminal, desktop and file sessions with a device (M-1…M-3). */
export const sessionEndpoints = {
  create: endpoint({
    id: 'sessions.create',
    method: 'POST',
    path: '/api/v1/sessions',
    summary: 'Open a session with a device',
    description:
      "Admits the session under the device group's assistance policy and returns a relay ticket: join `wss://<server><relay.path>?token=<relay.token>` within 60 seconds. An interactive session stays `pending` while the user at the device is asked to consent (`GET /api/v1/sessions/{id}` shows `awaitingConsentUntil`). Another technician in session on the device is a `CONFLICT` naming them, unless the device's policy allows concurrent sessions (`sessions.concurrent`); they can invite you instead. Unattended sessions need a one-time password: use `POST /api/v1/unattended/connect`.",
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'session request',
    body: CreateSessionRequest,
    success: { status: 201, body: CreateSessionResponse },
    errors: [
      'INVALID_INPUT',
      'NOT_FOUND',
      'FORBIDDEN',
      'OUTSIDE_ACCESS_WINDOW',
      'DEVICE_OFFLINE',
      'CONFLICT',
      'UNSUPPORTED_VERSION',
    ],
  }),
  list: endpoint({
    id: 'sessions.list',
    method: 'GET',
    path: '/api/v1/sessions',
    summary: 'List sessions',
    description: 'Newest first, of every device or of `deviceId` only.',
    access: { kind: 'user', permission: 'sessions.view' },
    subject: 'session list',
    query: SessionListQuery,
    success: { status: 200, body: SessionList },
    errors: ['INVALID_INPUT'],
  }),
  get: endpoint({
    id: 'sessions.get',
    method: 'GET',
    path: '/api/v1/sessions/:id',
    summary: 'Read one session',
    description:
      'With `awaitingConsentUntil` while the user at the device is being asked to consent: the status a technician follows while opening a session, hence `sessions.open` (the list needs only `sessions.view`).',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'session',
    params: SessionParams,
    success: { status: 200, body: SessionReply },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
  end: endpoint({
    id: 'sessions.end',
    method: 'DELETE',
    path: '/api/v1/sessions/:id',
    summary: 'End a session',
    description:
      "The technician who opened the session may end it; ending anyone else's needs the permission `sessions.manage`.",
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'session',
    params: SessionParams,
    success: { status: 204, body: undefined },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN'],
  }),
};
