import type { z } from 'zod';
import {
  AppError,
  oemFormats,
  type CreateDeviceKeyRequest,
  type CreateDeviceKeyResponse,
  type DeviceKeyFormat,
  type DeviceKeyPermission,
  type OemDeviceList,
  type UnregisterDeviceRequest,
} from '@tether/protocol';
import {
  askDevice,
  checkTenantAndPermission,
  recheckToken,
  resolveTenantDevice,
} from './caller-checks.js';
import { refuse, tokenActor, type OemCaller, type OemContext } from './oem-context.js';

/** The first line of a PEM in each format. */
const PEM_HEADER: Record<DeviceKeyFormat, string> = {
  pkcs8: '-----BEGIN ENCRYPTED PRIVATE KEY-----',
  traditional: '-----BEGIN RSA PRIVATE KEY-----',
};

/**
 * An agent older than the format setting ignores it and answers in PKCS#8: the integrator's
 * code would then fail to read the key, so the server refuses (audited) instead of passing it on.
 */
async function checkKeyFormat(
  context: OemContext,
  caller: OemCaller,
  input: { encryptedPem: string; format: DeviceKeyFormat; deviceId: string },
): Promise<void> {
  if (input.encryptedPem.trimStart().startsWith(PEM_HEADER[input.format])) return;
  await refuse(
    context,
    {
      operation: 'createdevicekey',
      actor: tokenActor(caller.token),
      reason: `the agent answered in another key format than ${input.format}`,
      sourceAddress: caller.sourceAddress,
      target: input.deviceId,
    },
    new AppError(
      'UNAVAILABLE',
      `The device's agent cannot produce the ${input.format} key format this tenant's compatibility setting asks for; update the agent on the device and retry.`,
    ),
  );
}

/**
 * `createdevicekey` (O-2): the device must be in one of the tenant's groups and prove, with the
 * request ID of its rollout file, that the caller read that file. The device keeps the key; the
 * server records only which tenant holds which key ID on which device.
 */
export async function createDeviceKey(
  context: OemContext,
  caller: OemCaller,
  request: z.output<typeof CreateDeviceKeyRequest>,
): Promise<CreateDeviceKeyResponse> {
  const operation = 'createdevicekey';
  await checkTenantAndPermission(context, caller, {
    tenantId: request.tenant_id,
    permission: 'createDeviceKey',
    operation,
  });
  const { device } = await resolveTenantDevice(context, caller, {
    remoteControlId: request.remotecontrol_id,
    requireGroup: true,
    operation,
  });
  const keyPermissions: DeviceKeyPermission[] = [
    ...new Set(
      Array.isArray(request.key_permissions) ? request.key_permissions : [request.key_permissions],
    ),
  ];
  const { keyFormat } = oemFormats(caller.tenant.compatibility);
  const result = await askDevice(context, { caller, operation, deviceId: device.id }, () =>
    context.requests.ask(device.id, {
      op: 'createDeviceKey',
      tenantId: caller.tenant.id,
      rolloutRequestId: request.request_id,
      keyPermissions,
      keyFormat,
    }),
  );
  try {
    await recheckToken(context, caller, operation);
    await checkKeyFormat(context, caller, {
      encryptedPem: result.encryptedPrivateKey,
      format: keyFormat,
      deviceId: device.id,
    });
  } catch (error) {
    // Nobody will ever receive this key: have the device delete it again.
    context.requests
      .ask(device.id, {
        op: 'deleteDeviceKey',
        tenantId: caller.tenant.id,
        deviceKeyId: result.deviceKeyId,
        decommissionToken: result.decommissionToken,
      })
      .catch((cleanupError: unknown) =>
        context.log.warn({ err: cleanupError, deviceId: device.id }, 'orphan device key left'),
      );
    throw error;
  }
  await context.store.oem.addDeviceKey({
    deviceId: device.id,
    deviceKeyId: result.deviceKeyId,
    tenantId: caller.tenant.id,
    permissions: keyPermissions,
    createdAt: context.clock.now(),
    createdBy: caller.token.id,
  });
  await context.audit.record({
    action: 'oem.device_key_created',
    actor: tokenActor(caller.token),
    target: device.id,
    sourceAddress: caller.sourceAddress,
    details: {
      tenantId: caller.tenant.id,
      remoteControlId: request.remotecontrol_id,
      deviceKeyId: result.deviceKeyId,
      permissions: keyPermissions,
    },
  });
  return {
    device_key_id: result.deviceKeyId,
    encrypted_device_key: result.encryptedPrivateKey,
    decommission_token: result.decommissionToken,
  };
}

/**
 * `DELETE /api/v1/oem/devices` (O-4): the device checks the decommission token and deletes the
 * key pair; then the key is refused everywhere and sessions opened with it end
 * (`onKeyDeleted`). A wrong token is refused by the device and changes nothing.
 */
export async function unregisterDevice(
  context: OemContext,
  caller: OemCaller,
  input: {
    request: z.output<typeof UnregisterDeviceRequest>;
    onKeyDeleted: (deviceId: string, deviceKeyId: string) => Promise<void>;
  },
): Promise<void> {
  const operation = 'unregister';
  const { request } = input;
  await checkTenantAndPermission(context, caller, {
    tenantId: request.tenant_id,
    permission: 'deleteDeviceKey',
    operation,
  });
  const { device } = await resolveTenantDevice(context, caller, {
    remoteControlId: request.remotecontrol_id,
    deviceKeyId: request.device_key_id,
    requireGroup: false,
    operation,
  });
  await askDevice(context, { caller, operation, deviceId: device.id }, () =>
    context.requests.ask(device.id, {
      op: 'deleteDeviceKey',
      tenantId: caller.tenant.id,
      deviceKeyId: request.device_key_id,
      decommissionToken: request.decommission_token,
    }),
  );
  // The device has deleted the key: record that whatever happens next.
  await context.store.oem.markDeviceKeyDeleted(
    device.id,
    request.device_key_id,
    context.clock.now(),
  );
  await input.onKeyDeleted(device.id, request.device_key_id);
  await context.audit.record({
    action: 'oem.device_key_deleted',
    actor: tokenActor(caller.token),
    target: device.id,
    sourceAddress: caller.sourceAddress,
    details: {
      tenantId: caller.tenant.id,
      remoteControlId: request.remotecontrol_id,
      deviceKeyId: request.device_key_id,
    },
  });
  await recheckToken(context, caller, operation);
}

/** `GET /api/v1/oem/devices`: the devices holding one of the calling tenant's keys. */
export async function listTenantDevices(
  context: OemContext,
  caller: OemCaller,
): Promise<OemDeviceList> {
  const keys = await context.store.oem.listDeviceKeys(caller.tenant.id);
  const byDevice = new Map<string, string[]>();
  for (const key of keys)
    byDevice.set(key.deviceId, [...(byDevice.get(key.deviceId) ?? []), key.deviceKeyId]);
  const devices: OemDeviceList['devices'] = [];
  for (const [deviceId, keyIds] of byDevice) {
    const [device, remoteControlId] = await Promise.all([
      context.store.devices.find(deviceId),
      context.store.oem.findRemoteControlId(deviceId),
    ]);
    if (!device || remoteControlId === undefined) continue;
    devices.push({
      remotecontrol_id: remoteControlId,
      name: device.name,
      online: context.presence.isOnline(deviceId),
      device_key_ids: keyIds,
    });
  }
  return { devices };
}
