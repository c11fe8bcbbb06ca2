import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AppRegistrationRequest, AppRegistrationResponse } from '@tether/protocol';
import type { OemAppRegistrationRecord } from '../store/oem-repository.js';
import { checkTenantAndPermission } from './caller-checks.js';
import { tokenActor, type OemCaller, type OemContext } from './oem-context.js';

/**
 * `POST /api/v1/oem/appregistrations` (O-5): stores the SHA-256 of an integrator app's signing
 * key and pushes it to the tenant's online devices, whose local rollout endpoint then hands the
 * rollout data to that app only. The account ID is the tenant ID.
 */
export async function registerApp(
  context: OemContext,
  caller: OemCaller,
  request: z.output<typeof AppRegistrationRequest>,
): Promise<AppRegistrationResponse> {
  await checkTenantAndPermission(context, caller, {
    tenantId: request.tenant_id,
    permission: 'manageTenants',
    operation: 'appregistrations',
  });
  const registration: OemAppRegistrationRecord = {
    keyId: randomUUID(),
    tenantId: caller.tenant.id,
    signingKeySha256: request.app_key_sha256,
    createdAt: context.clock.now(),
    createdBy: caller.token.id,
  };
  await context.store.oem.addAppRegistration(registration);
  await context.audit.record({
    action: 'oem.app_registered',
    actor: tokenActor(caller.token),
    target: caller.tenant.id,
    sourceAddress: caller.sourceAddress,
    details: { keyId: registration.keyId, signingKeySha256: registration.signingKeySha256 },
  });
  // Every online agent of the cluster: those of other nodes are asked over the bus.
  for (const deviceId of context.presence.onlineIds()) {
    const device = await context.store.devices.find(deviceId);
    if (device && caller.tenant.groups.includes(device.group))
      pushRegistration(context, deviceId, registration);
  }
  return {
    account_id: registration.tenantId,
    app_key_id: registration.keyId,
    app_key_sha256: registration.signingKeySha256,
  };
}

/**
 * A device connected: it learns every app registration of the tenants whose groups hold it
 * (registrations made while it was offline, or before it joined the group).
 */
export async function pushRegistrationsTo(
  context: OemContext,
  device: { id: string; group: string },
): Promise<void> {
  for (const tenant of await context.tenants()) {
    if (!tenant.groups.includes(device.group)) continue;
    for (const registration of await context.store.oem.listAppRegistrations(tenant.id))
      pushRegistration(context, device.id, registration);
  }
}

function pushRegistration(
  context: OemContext,
  deviceId: string,
  registration: OemAppRegistrationRecord,
): void {
  context.requests
    .ask(deviceId, {
      op: 'registerApp',
      tenantId: registration.tenantId,
      accountId: registration.tenantId,
      keyId: registration.keyId,
      signingKeySha256: registration.signingKeySha256,
    })
    .catch((error: unknown) =>
      context.log.warn({ err: error, deviceId }, 'the device did not take an app registration'),
    );
}
