/** What the HMAC of a control request is computed over (O-3). */
export interface MasterSecretInput {
  /** The nonce the integrator sent with `requestcontrol`. */
  tenantNonce: string;
  /** The nonce the device answered with. */
  targetNonce: string;
  /** `t` + digits. */
  tenantId: string;
  /** `r` + digits. */
  remoteControlId: string;
}

/**
 * The exact text both the device and the integrator feed to HMAC-SHA512 (keyed with the
 * DeviceSecret) to get the one-time master secret: tenantNonce + targetNonce + tenantId without
 * its first character + remoteControlId without its first character, as UTF-8.
 *
 * @example
 * masterSecretInput({ tenantNonce: 'aa', targetNonce: 'bb', tenantId: 't0001', remoteControlId: 'r124' });
 * // 'aabb0001124'
 */
export function masterSecretInput(input: MasterSecretInput): string {
  return `${input.tenantNonce}${input.targetNonce}${input.tenantId.slice(1)}${input.remoteControlId.slice(1)}`;
}
