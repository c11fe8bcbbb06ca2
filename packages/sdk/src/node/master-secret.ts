import { createHmac, randomBytes } from 'node:crypto';
import { masterSecretInput, type MasterSecretInput } from '@tether/protocol';

/** Inputs of {@link computeMasterSecret}. */
export interface ComputeMasterSecretOptions extends MasterSecretInput {
  /** The decrypted DeviceSecret (see `decryptDeviceSecret`). */
  deviceSecret: Uint8Array;
}

/**
 * The one-time master secret that goes into the control URL:
 * base64url(HMAC-SHA512(DeviceSecret, tenantNonce + targetNonce + tenantId minus its first
 * character + remoteControlId minus its first character)).
 *
 * @example
 * const masterSecret = computeMasterSecret({ deviceSecret, tenantNonce, targetNonce: reply.targetNonce, tenantId: 't1001', remoteControlId: 'r124124124' });
 * const url = fillConnectUrl(reply.urlTemplate, masterSecret);
 */
export function computeMasterSecret(options: ComputeMasterSecretOptions): string {
  return createHmac('sha512', options.deviceSecret)
    .update(masterSecretInput(options), 'utf8')
    .digest('base64url');
}

/**
 * A fresh tenant nonce: 16 random bytes as 32 hex digits, like the vendor document's example.
 *
 * @example
 * const tenantNonce = newTenantNonce(); // '243dd78d07324ab7befa41390d08d35f'
 */
export function newTenantNonce(): string {
  return randomBytes(16).toString('hex');
}
