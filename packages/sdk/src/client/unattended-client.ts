import {
  endpointPath,
  sessionEndpoints,
  unattendedEndpoints,
  type ConnectUnattendedRequest,
  type CreateSessionResponse,
  type CreateUnattendedRequest,
  type CreateUnattendedResponse,
  type Session,
  type UnattendedAccess,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** Unattended access (M-2) and a session's live state. */
export interface UnattendedClient {
  /**
   * Turns the device's unattended service on and returns the one-time password (shown only
   * here). A device has one live access at most: while one is live this rejects with
   * `CONFLICT` (`details.accessId` names it) unless `replace: true`, which revokes it first.
   * With `mode: 'dynamic'` it also rejects with `CONFLICT` when a user is at the device: then
   * open a dynamic session, which asks them.
   */
  createUnattended(request: CreateUnattendedRequest): Promise<CreateUnattendedResponse>;
  listUnattended(query?: { deviceId?: string }): Promise<UnattendedAccess[]>;
  /** URL of an access's downloadable access file. */
  accessFileUrl(accessId: string): string;
  /** Opens a session with the one-time password; `RATE_LIMITED` after too many wrong ones. */
  connectUnattended(request: ConnectUnattendedRequest): Promise<CreateSessionResponse>;
  /** Turns off unattended access on the device of this access (every access of it). */
  revokeUnattended(accessId: string): Promise<void>;
  /**
   * Turns off unattended access on a device: every live access is revoked, its sessions end and
   * the agent turns its unattended service off. Resolves to the revoked access IDs.
   */
  turnOffUnattended(deviceId: string): Promise<string[]>;
  /** One session, with `awaitingConsentUntil` while the user at the device is asked. */
  getSession(sessionId: string): Promise<Session>;
}

/**
 * The unattended calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const { access, password } = await api.createUnattended({ deviceId });
 * const { relay } = await api.connectUnattended({ accessId: access.id, password, kind: 'terminal' });
 */
export function createUnattendedClient(transport: HttpTransport): UnattendedClient {
  return {
    createUnattended: (request) =>
      callEndpoint(transport, unattendedEndpoints.create, { body: request }),
    listUnattended: async (query = {}) =>
      (
        await callEndpoint(transport, unattendedEndpoints.list, {
          query: { deviceId: query.deviceId },
        })
      ).accesses,
    accessFileUrl: (accessId) =>
      `${transport.baseUrl}${endpointPath(unattendedEndpoints.accessFile, { id: accessId })}`,
    connectUnattended: (request) =>
      callEndpoint(transport, unattendedEndpoints.connect, { body: request }),
    revokeUnattended: (accessId) =>
      callEndpoint(transport, unattendedEndpoints.revoke, { params: { id: accessId } }),
    turnOffUnattended: async (deviceId) =>
      (await callEndpoint(transport, unattendedEndpoints.turnOff, { params: { id: deviceId } }))
        .revoked,
    getSession: async (sessionId) =>
      (await callEndpoint(transport, sessionEndpoints.get, { params: { id: sessionId } })).session,
  };
}
