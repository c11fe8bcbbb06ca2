import { AppError, type OemPermission } from '@tether/protocol';
import type { DeviceRecord } from '../store/store.js';
import type { OemDeviceKeyRecord } from '../store/oem-repository.js';
import { refuse, tokenActor, type OemCaller, type OemContext } from './oem-context.js';
import { bearerToken, hashScriptToken } from './script-tokens.js';

/** One message for every unknown or revoked token: a caller cannot tell which it was. */
export function invalidTokenError(): AppError {
  return new AppError(
    'TOKEN_INVALID',
    'The script token is not valid (unknown or revoked). Ask the Tether administrator for a new one.',
  );
}

/**
 * The caller behind `Authorization: Bearer <script token>`. Unknown and revoked tokens get the
 * same answer; both are audited.
 */
export async function authenticateCaller(
  context: OemContext,
  input: { authorization: string | undefined; sourceAddress: string; operation: string },
): Promise<OemCaller> {
  const secret = bearerToken(input.authorization);
  if (secret === undefined) {
    throw new AppError(
      'AUTH_REQUIRED',
      'Send a script token in the Authorization header: "Authorization: Bearer <token>".',
    );
  }
  const token = await context.store.oem.findTokenByHash(hashScriptToken(secret));
  const tenant = token && (await context.store.oem.findTenant(token.tenantId));
  if (!token || token.revokedAt !== null || !tenant) {
    return refuse(
      context,
      {
        operation: input.operation,
        actor: token ? tokenActor(token) : input.sourceAddress,
        reason: token ? 'revoked token' : 'unknown token',
        sourceAddress: input.sourceAddress,
      },
      invalidTokenError(),
    );
  }
  return { token, tenant, sourceAddress: input.sourceAddress };
}

/** Checks again, after a device answered, that the token was not revoked meanwhile. */
export async function recheckToken(
  context: OemContext,
  caller: OemCaller,
  operation: string,
): Promise<void> {
  const token = await context.store.oem.findToken(caller.token.id);
  if (token && token.revokedAt === null) return;
  await refuse(
    context,
    {
      operation,
      actor: tokenActor(caller.token),
      reason: 'token revoked while the device was answering',
      sourceAddress: caller.sourceAddress,
    },
    invalidTokenError(),
  );
}

/** The token must belong to `tenantId` and carry `permission`. */
export async function checkTenantAndPermission(
  context: OemContext,
  caller: OemCaller,
  input: { tenantId: string; permission: OemPermission; operation: string },
): Promise<void> {
  const base = {
    operation: input.operation,
    actor: tokenActor(caller.token),
    sourceAddress: caller.sourceAddress,
    target: input.tenantId,
  };
  if (input.tenantId !== caller.tenant.id) {
    await refuse(
      context,
      { ...base, reason: 'token of another tenant' },
      new AppError('FORBIDDEN', `This script token does not belong to tenant ${input.tenantId}.`),
    );
  }
  if (!caller.token.permissions.includes(input.permission)) {
    await refuse(
      context,
      { ...base, reason: `missing permission ${input.permission}` },
      new AppError(
        'FORBIDDEN',
        `This script token lacks the "${input.permission}" permission; create a token that has it.`,
      ),
    );
  }
}

/** What a checked call may act on. */
export interface TenantDevice {
  device: DeviceRecord;
  remoteControlId: string;
  key: OemDeviceKeyRecord | undefined;
}

/**
 * Resolves a remote-control ID to a device the tenant may act on: in one of the tenant's
 * groups (`requireGroup`), and holding the tenant's device key `deviceKeyId` when given.
 * Any other case — unknown ID, another tenant's device, another tenant's or a deleted key —
 * gets the same NOT_FOUND, so a tenant learns nothing about devices that are not its own.
 */
export async function resolveTenantDevice(
  context: OemContext,
  caller: OemCaller,
  input: {
    remoteControlId: string;
    deviceKeyId?: string;
    requireGroup: boolean;
    operation: string;
  },
): Promise<TenantDevice> {
  const { store } = context;
  const deviceId = await store.oem.findDeviceIdByRemoteControlId(input.remoteControlId);
  const device = deviceId === undefined ? undefined : await store.devices.find(deviceId);
  const key =
    device && input.deviceKeyId !== undefined
      ? await store.oem.findDeviceKey(device.id, input.deviceKeyId)
      : undefined;
  const reason = !device
    ? 'unknown remote-control ID'
    : input.requireGroup && !caller.tenant.groups.includes(device.group)
      ? `device group "${device.group}" not assigned to the tenant`
      : input.deviceKeyId !== undefined && key?.tenantId !== caller.tenant.id
        ? 'device key unknown, deleted or of another tenant'
        : undefined;
  if (reason !== undefined || !device) {
    return refuse(
      context,
      {
        operation: input.operation,
        actor: tokenActor(caller.token),
        reason: reason ?? 'unknown device',
        sourceAddress: caller.sourceAddress,
        target: device?.id ?? null,
        details: { remoteControlId: input.remoteControlId },
      },
      new AppError(
        'NOT_FOUND',
        input.deviceKeyId === undefined
          ? `No device with remote-control ID ${input.remoteControlId} is available to tenant ${caller.tenant.id}.`
          : `No device with remote-control ID ${input.remoteControlId} holds this device key of tenant ${caller.tenant.id}.`,
      ),
    );
  }
  return { device, remoteControlId: input.remoteControlId, key };
}

/**
 * Forwards to the device, auditing a refusal the device answered with. The device's error
 * (code and message) is passed on: agents word their refusals generically.
 */
export async function askDevice<T>(
  context: OemContext,
  audit: { caller: OemCaller; operation: string; deviceId: string },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return refuse(
      context,
      {
        operation: audit.operation,
        actor: tokenActor(audit.caller.token),
        reason: `device answered: ${error.message}`,
        sourceAddress: audit.caller.sourceAddress,
        target: audit.deviceId,
      },
      error,
    );
  }
}
