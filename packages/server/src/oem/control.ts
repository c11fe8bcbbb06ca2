import type { z } from 'zod';
import {
  AppError,
  MASTER_SECRET_PLACEHOLDER,
  oemDeviceEndpoints,
  oemFormats,
  type OemConnectQuery,
  type RequestControlRequest,
  type RequestControlResponse,
} from '@tether/protocol';
import {
  askDevice,
  checkTenantAndPermission,
  recheckToken,
  resolveTenantDevice,
} from './caller-checks.js';
import type { ControlGrants } from './control-grants.js';
import { refuse, tokenActor, type OemCaller, type OemContext } from './oem-context.js';
import { tenantUser } from './tenant-user.js';

/** How long a control URL stays usable (the device enforces its own limit too). */
export const CONTROL_URL_TTL_MS = 5 * 60 * 1000;

/** The path the filled URL opens: the control URL's endpoint contract. */
export const CONNECT_PATH = oemDeviceEndpoints.connect.path;

/** Every refused URL gets this one answer: which check failed is in the audit log only. */
export function invalidLinkError(): AppError {
  return new AppError(
    'FORBIDDEN',
    'This connection link is not valid: it was already used, has expired or was altered. Request a new one from your management product.',
  );
}

/**
 * `requestcontrol` (O-3): the device checks the key's permission for the control type and
 * answers with the encrypted DeviceSecret and its nonce; the server keeps a one-use grant and
 * returns the URL template the integrator fills with the HMAC.
 */
export async function requestControl(
  context: OemContext & { grants: ControlGrants },
  caller: OemCaller,
  request: z.output<typeof RequestControlRequest>,
): Promise<RequestControlResponse> {
  const operation = 'requestcontrol';
  await checkTenantAndPermission(context, caller, {
    tenantId: request.tenant_id,
    permission: 'requestControl',
    operation,
  });
  const { device } = await resolveTenantDevice(context, caller, {
    remoteControlId: request.remotecontrol_id,
    deviceKeyId: request.device_key_id,
    requireGroup: true,
    operation,
  });
  const result = await askDevice(context, { caller, operation, deviceId: device.id }, () =>
    context.requests.ask(device.id, {
      op: 'requestControl',
      tenantId: caller.tenant.id,
      deviceKeyId: request.device_key_id,
      controlType: request.control_type,
      tenantNonce: request.tenant_nonce,
      oaepHash: oemFormats(caller.tenant.compatibility).oaepHash,
    }),
  );
  await recheckToken(context, caller, operation);
  await context.grants.add({
    tenantId: caller.tenant.id,
    deviceId: device.id,
    deviceKeyId: request.device_key_id,
    targetNonce: result.targetNonce,
    controlType: request.control_type,
    tokenId: caller.token.id,
    expiresAt: context.clock.now().getTime() + CONTROL_URL_TTL_MS,
  });
  await context.audit.record({
    action: 'oem.control_requested',
    actor: tokenActor(caller.token),
    target: device.id,
    sourceAddress: caller.sourceAddress,
    details: {
      tenantId: caller.tenant.id,
      remoteControlId: request.remotecontrol_id,
      deviceKeyId: request.device_key_id,
      controlType: request.control_type,
    },
  });
  const url = new URL(CONNECT_PATH, context.publicUrl());
  url.search = new URLSearchParams({
    tenant: caller.tenant.id,
    device: request.remotecontrol_id,
    key: request.device_key_id,
    nonce: result.targetNonce,
  }).toString();
  return {
    encrypted_device_secret: result.encryptedDeviceSecret,
    target_nonce: result.targetNonce,
    url_template: `${url.toString()}&secret=${MASTER_SECRET_PLACEHOLDER}`,
  };
}

/** A session opened by a control URL: the console joins its relay with the one-time ticket. */
export interface OpenedControlSession {
  sessionId: string;
  relayPath: string;
  relayToken: string;
}

/**
 * The filled URL was opened: the grant is taken (one use), the device checks and consumes the
 * master secret, and a terminal session starts whose console end is authorised by its relay
 * ticket alone. Attended requests go straight through until the consent flow of the assistance
 * modes exists (issue 4).
 */
export async function redeemControl(
  context: OemContext & { grants: ControlGrants },
  input: { query: z.output<typeof OemConnectQuery>; sourceAddress: string },
): Promise<OpenedControlSession> {
  const { query, sourceAddress } = input;
  const deny = (reason: string, target: string | null = null): Promise<never> =>
    refuse(
      context,
      {
        operation: 'connect',
        actor: sourceAddress,
        reason,
        sourceAddress,
        target,
        details: { tenantId: query.tenant },
      },
      invalidLinkError(),
    );
  const deviceId = await context.store.oem.findDeviceIdByRemoteControlId(query.device);
  if (deviceId === undefined) return deny('unknown remote-control ID');
  const grant = await context.grants.take({
    deviceId,
    deviceKeyId: query.key,
    targetNonce: query.nonce,
  });
  if (grant?.tenantId !== query.tenant)
    return deny('no open control request for this nonce', deviceId);
  const [token, tenant, key, device] = await Promise.all([
    context.store.oem.findToken(grant.tokenId),
    context.store.oem.findTenant(grant.tenantId),
    context.store.oem.findDeviceKey(deviceId, grant.deviceKeyId),
    context.store.devices.find(deviceId),
  ]);
  if (!token || token.revokedAt !== null) return deny('the requesting token was revoked', deviceId);
  if (!tenant || !device || !tenant.groups.includes(device.group) || key?.tenantId !== tenant.id) {
    return deny('tenant, device group or device key no longer valid', deviceId);
  }
  let controlType;
  try {
    ({ controlType } = await context.requests.ask(deviceId, {
      op: 'redeemControl',
      tenantId: tenant.id,
      deviceKeyId: grant.deviceKeyId,
      targetNonce: grant.targetNonce,
      masterSecret: query.secret,
    }));
  } catch (error) {
    if (error instanceof AppError && error.code === 'DEVICE_OFFLINE') throw error;
    if (!(error instanceof AppError)) throw error;
    return deny(`device refused: ${error.message}`, deviceId);
  }
  if (controlType !== grant.controlType)
    return deny('device answered another control type', deviceId);
  const user = await tenantUser(context, tenant.id);
  // Attended control asks the user at the device first (M-1); unattended control is what the
  // integrator's unattended key was granted for.
  const created = await context.sessions.create(
    user,
    { deviceId, kind: 'terminal', ...(controlType === 'attended' ? { mode: 'interactive' } : {}) },
    sourceAddress,
    { consoleByTicket: true },
  );
  context.grants.addSession(deviceId, grant.deviceKeyId, created.session.id);
  await context.audit.record({
    action: 'oem.control_redeemed',
    actor: sourceAddress,
    target: deviceId,
    sourceAddress,
    details: {
      tenantId: tenant.id,
      deviceKeyId: grant.deviceKeyId,
      controlType,
      sessionId: created.session.id,
    },
  });
  return {
    sessionId: created.session.id,
    relayPath: created.relay.path,
    relayToken: created.relay.token,
  };
}
