import type { z } from 'zod';
import type {
  AppRegistrationRequest,
  AppRegistrationResponse,
  CreateDeviceKeyRequest,
  CreateDeviceKeyResponse,
  OemConnectQuery,
  OemDeviceList,
  RequestControlRequest,
  RequestControlResponse,
  UnregisterDeviceRequest,
} from '@tether/protocol';
import { AgentRequests, type OemReply } from './agent-requests.js';
import { pushRegistrationsTo, registerApp } from './app-registrations.js';
import { authenticateCaller } from './caller-checks.js';
import { ControlGrants } from './control-grants.js';
import { redeemControl, requestControl, type OpenedControlSession } from './control.js';
import { createDeviceKey, listTenantDevices, unregisterDevice } from './device-keys.js';
import type { OemCaller, OemContext, OemDeps } from './oem-context.js';
import { cachedRead } from '../store/cached-read.js';
import { randomPublicId } from './script-tokens.js';
import { createTenantAdmin, type TenantAdmin } from './tenant-admin.js';

export type { OemReply } from './agent-requests.js';
export type { OemCaller, OemDeps } from './oem-context.js';

/**
 * The server's side of the integration API (O-1 … O-6): tenants and script tokens, forwarding
 * requests to agents and checking their answers, one-time control URLs. The agents hold every
 * device key and DeviceSecret; the server never sees one in clear.
 */
export interface OemService {
  /**
   * An agent answered an `oem.request`. In a cluster every node sees every answer: one not
   * awaited here is then normal (`isClustered`: not logged).
   */
  onReply(deviceId: string, reply: OemReply, options?: { isClustered?: boolean }): void;
  /** The device's remote-control ID (`r` + digits), assigned on first need; sent in `welcome`. */
  remoteControlIdFor(deviceId: string): Promise<string>;
  /** A device's control channel is ready: it gets the app registrations meant for it. */
  onDeviceReady(device: { id: string; group: string }): void;
  /** The caller behind an `Authorization: Bearer` header; refusals are audited. */
  authenticate(input: {
    authorization: string | undefined;
    sourceAddress: string;
    operation: string;
  }): Promise<OemCaller>;
  createDeviceKey(
    caller: OemCaller,
    request: z.output<typeof CreateDeviceKeyRequest>,
  ): Promise<CreateDeviceKeyResponse>;
  requestControl(
    caller: OemCaller,
    request: z.output<typeof RequestControlRequest>,
  ): Promise<RequestControlResponse>;
  unregister(caller: OemCaller, request: z.output<typeof UnregisterDeviceRequest>): Promise<void>;
  registerApp(
    caller: OemCaller,
    request: z.output<typeof AppRegistrationRequest>,
  ): Promise<AppRegistrationResponse>;
  listDevices(caller: OemCaller): Promise<OemDeviceList>;
  /** A filled control URL was opened (once). */
  connect(input: {
    query: z.output<typeof OemConnectQuery>;
    sourceAddress: string;
  }): Promise<OpenedControlSession>;
  /** Administrators' tenant and token management. */
  readonly admin: TenantAdmin;
}

/**
 * @example
 * const oem = createOemService({ store, clock, audit, presence, sessions, log, publicUrl });
 */
export function createOemService(deps: OemDeps): OemService {
  const requests = new AgentRequests({
    presence: deps.presence,
    clock: deps.clock,
    log: deps.log,
    timeoutMs: deps.replyTimeoutMs ?? 20_000,
  });
  const context: OemContext & { grants: ControlGrants } = {
    ...deps,
    requests,
    tenants: cachedRead({
      clock: deps.clock,
      ttlMs: 1000,
      read: () => deps.store.oem.listTenants(),
    }),
    grants: new ControlGrants(deps),
  };
  const onKeyDeleted = async (deviceId: string, deviceKeyId: string): Promise<void> => {
    await context.grants.dropKey(deviceId, deviceKeyId);
    await Promise.all(
      context.grants
        .takeSessions(deviceId, deviceKeyId)
        .map((sessionId) =>
          deps.sessions.end(sessionId, 'The device key that opened this session was unregistered.'),
        ),
    );
  };

  return {
    onReply: (deviceId, reply, options) => requests.onReply(deviceId, reply, options),
    async remoteControlIdFor(deviceId) {
      for (;;) {
        const existing = await deps.store.oem.findRemoteControlId(deviceId);
        if (existing !== undefined) return existing;
        const assigned = await deps.store.oem.assignRemoteControlId({
          deviceId,
          remoteControlId: randomPublicId('r'),
          at: deps.clock.now(),
        });
        if (assigned !== undefined) return assigned;
        // The random ID belonged to another device: draw again.
      }
    },
    onDeviceReady(device) {
      pushRegistrationsTo(context, device).catch((error: unknown) =>
        deps.log.error(
          { err: error, deviceId: device.id },
          'cannot send app registrations to the device',
        ),
      );
    },
    authenticate: (input) => authenticateCaller(context, input),
    createDeviceKey: (caller, request) => createDeviceKey(context, caller, request),
    requestControl: (caller, request) => requestControl(context, caller, request),
    unregister: (caller, request) => unregisterDevice(context, caller, { request, onKeyDeleted }),
    registerApp: (caller, request) => registerApp(context, caller, request),
    listDevices: (caller) => listTenantDevices(context, caller),
    connect: (input) => redeemControl(context, input),
    admin: createTenantAdmin(deps),
  };
}
