import { fillConnectUrl, type DeviceKeyPermission } from '@tether/protocol';
import type { KeyObject } from 'node:crypto';
import { decryptDeviceSecret } from './device-key.js';
import { computeMasterSecret } from './master-secret.js';
import type { OemClient } from './oem-client.js';

/** Options of {@link createControlUrl}. */
export interface CreateControlUrlOptions {
  oem: OemClient;
  tenantId: string;
  remoteControlId: string;
  deviceKeyId: string;
  /** The decrypted device key (see `decryptDeviceKey`). */
  deviceKey: string | KeyObject;
  controlType: DeviceKeyPermission;
}

/**
 * The whole of O-3 in one call: request control, decrypt the DeviceSecret, compute the HMAC and
 * fill the URL template. The URL opens a session on the device once; request a new one each time.
 *
 * @example
 * const url = await createControlUrl({ oem, tenantId: 't1001', remoteControlId, deviceKeyId, deviceKey, controlType: 'attended' });
 */
export async function createControlUrl(options: CreateControlUrlOptions): Promise<string> {
  const request = await options.oem.requestControl({
    tenantId: options.tenantId,
    remoteControlId: options.remoteControlId,
    deviceKeyId: options.deviceKeyId,
    controlType: options.controlType,
  });
  const masterSecret = computeMasterSecret({
    deviceSecret: decryptDeviceSecret(request.encryptedDeviceSecret, options.deviceKey),
    tenantNonce: request.tenantNonce,
    targetNonce: request.targetNonce,
    tenantId: options.tenantId,
    remoteControlId: options.remoteControlId,
  });
  return fillConnectUrl(request.urlTemplate, masterSecret);
}
