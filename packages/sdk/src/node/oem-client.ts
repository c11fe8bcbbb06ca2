import { oemDeviceEndpoints as endpoints, type DeviceKeyPermission } from '@tether/protocol';
import { callOemEndpoint, type OemTransport } from './oem-http.js';
import { newTenantNonce } from './master-secret.js';
import type { Rollout } from './rollout-file.js';

/** Options of {@link createOemClient}. */
export type OemClientOptions = OemTransport;

/** A device key as `createdevicekey` returns it; `encryptedDeviceKey` opens with the RolloutKey. */
export interface CreatedDeviceKey {
  deviceKeyId: string;
  encryptedDeviceKey: string;
  /** Keep it: it is the only way to unregister the key, and it is shown once. */
  decommissionToken: string;
}

/** A control request's answer, plus the tenant nonce the HMAC needs. */
export interface ControlRequest {
  encryptedDeviceSecret: string;
  targetNonce: string;
  /** Contains `YOUR_MASTER_SECRET`; see `fillConnectUrl`. */
  urlTemplate: string;
  tenantNonce: string;
}

/** The integration API as an integrator calls it with a script token. */
export interface OemClient {
  /** O-2: asks the device for a key pair; pass the rollout data read just before. */
  createDeviceKey(input: {
    tenantId: string;
    rollout: Pick<Rollout, 'requestId' | 'remoteControlId'>;
    keyPermissions: DeviceKeyPermission[];
  }): Promise<CreatedDeviceKey>;
  /** O-3: a fresh one-time control request; a tenant nonce is made when none is given. */
  requestControl(input: {
    tenantId: string;
    remoteControlId: string;
    deviceKeyId: string;
    controlType: DeviceKeyPermission;
    tenantNonce?: string;
  }): Promise<ControlRequest>;
  /** O-4: the device deletes the key pair; resolves on 204. */
  unregister(input: {
    tenantId: string;
    remoteControlId: string;
    deviceKeyId: string;
    decommissionToken: string;
  }): Promise<void>;
  /** O-5: registers the SHA-256 of an app's public signing key; returns what the app shows the device. */
  registerApp(input: {
    tenantId: string;
    appKeySha256: string;
  }): Promise<{ accountId: string; keyId: string }>;
}

/**
 * The integrator's client of the Tether integration API (O-1 … O-5), for Node.
 *
 * @example
 * const oem = createOemClient({ baseUrl: 'https://support.example.com', token: process.env.TETHER_TOKEN ?? '' });
 * const rollout = await readRolloutFile('/var/lib/tether-agent/rollout.json');
 * const key = await oem.createDeviceKey({ tenantId: 't1001', rollout, keyPermissions: ['attended'] });
 */
export function createOemClient(options: OemClientOptions): OemClient {
  const transport: OemTransport = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  return {
    async createDeviceKey(input) {
      const reply = await callOemEndpoint(transport, endpoints.createDeviceKey, {
        body: {
          key_permissions: input.keyPermissions,
          remotecontrol_id: input.rollout.remoteControlId,
          request_id: input.rollout.requestId,
          tenant_id: input.tenantId,
        },
      });
      return {
        deviceKeyId: reply.device_key_id,
        encryptedDeviceKey: reply.encrypted_device_key,
        decommissionToken: reply.decommission_token,
      };
    },
    async requestControl(input) {
      const tenantNonce = input.tenantNonce ?? newTenantNonce();
      const reply = await callOemEndpoint(transport, endpoints.requestControl, {
        body: {
          control_type: input.controlType,
          device_key_id: input.deviceKeyId,
          remotecontrol_id: input.remoteControlId,
          tenant_id: input.tenantId,
          tenant_nonce: tenantNonce,
        },
      });
      return {
        encryptedDeviceSecret: reply.encrypted_device_secret,
        targetNonce: reply.target_nonce,
        urlTemplate: reply.url_template,
        tenantNonce,
      };
    },
    async unregister(input) {
      await callOemEndpoint(transport, endpoints.unregister, {
        body: {
          tenant_id: input.tenantId,
          remotecontrol_id: input.remoteControlId,
          device_key_id: input.deviceKeyId,
          decommission_token: input.decommissionToken,
        },
      });
    },
    async registerApp(input) {
      const reply = await callOemEndpoint(transport, endpoints.registerApp, {
        body: { tenant_id: input.tenantId, app_key_sha256: input.appKeySha256 },
      });
      return { accountId: reply.account_id, keyId: reply.app_key_id };
    },
  };
}
