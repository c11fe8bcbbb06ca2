/**
 * The integrators' SDK (O-6), Node only: read the rollout data, call the integration API,
 * decrypt the device key and secret, compute the master secret, fill the control URL.
 *
 * @example
 * import { createOemClient, readRolloutFile, decryptDeviceKey, createControlUrl } from '@tether/sdk/node';
 */
export { readRolloutFile, parseRolloutData, type Rollout } from './rollout-file.js';
export {
  createOemClient,
  type OemClient,
  type OemClientOptions,
  type CreatedDeviceKey,
  type ControlRequest,
} from './oem-client.js';
export {
  decryptDeviceKey,
  decryptDeviceSecret,
  type DecryptDeviceSecretOptions,
} from './device-key.js';
export {
  computeMasterSecret,
  newTenantNonce,
  type ComputeMasterSecretOptions,
} from './master-secret.js';
export { createControlUrl, type CreateControlUrlOptions } from './control-url.js';
export {
  requestRolloutData,
  appKeySha256,
  DEFAULT_ROLLOUT_SOCKET,
  type RequestRolloutDataOptions,
} from './rollout-endpoint-client.js';
export { fillConnectUrl, MASTER_SECRET_PLACEHOLDER } from '@tether/protocol';
