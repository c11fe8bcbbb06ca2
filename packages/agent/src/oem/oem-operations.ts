import { randomBytes } from 'node:crypto';
import {
  AppError,
  OemResults,
  type DeviceKeyRecord,
  type OemOperation,
} from '@tether/protocol/agent';
import type { Clock } from '../clock.js';
import type { AppRegistry } from './app-registry.js';
import { secretsEqual, type ControlSecrets } from './control-secrets.js';
import { newDeviceKeyId, sha256Hex, type DeviceKeyStore } from './device-keys.js';
import { computeMasterSecret, encryptDeviceSecret, generateDeviceKey } from './oem-crypto.js';
import type { RolloutFile } from './rollout-file.js';

/** What the operations work with; built once by the OEM service. */
export interface OemContext {
  rollout: RolloutFile;
  keys: DeviceKeyStore;
  secrets: ControlSecrets;
  apps: AppRegistry;
  clock: Clock;
  /** RSA modulus of new device keys (tests use 2048 to stay fast). */
  keyBits?: number;
}

type OperationOf<K extends OemOperation['op']> = Extract<OemOperation, { op: K }>;
type ResultOf<K extends OemOperation['op']> = ReturnType<(typeof OemResults)[K]['parse']>;

/** One handler per operation, keyed by `op` (STYLE.md: a typed map, not a switch). */
export type OemHandlers = {
  [K in OemOperation['op']]: (
    operation: OperationOf<K>,
    context: OemContext,
  ) => Promise<ResultOf<K>>;
};

/** The same refusal for "no such key" and "another tenant's key": no oracle for key IDs. */
function unknownKey(deviceKeyId: string): AppError {
  return new AppError(
    'NOT_FOUND',
    `This device has no device key "${deviceKeyId}" for this tenant; roll out a key with createdevicekey first.`,
  );
}

/** The one refusal of a control link, whatever was wrong with it (O-3: no hint for guessers). */
const invalidLink = (): AppError =>
  new AppError(
    'TOKEN_INVALID',
    'This control link is invalid, expired or already used; request control again for a new one.',
  );

async function ownedKey(context: OemContext, tenantId: string, deviceKeyId: string) {
  const record = await context.keys.find(deviceKeyId);
  return record?.tenantId === tenantId ? record : undefined;
}

/**
 * The device side of the integration API. Each refusal changes nothing but what the document
 * says it must: the rollout data rotates after every createDeviceKey, and a master secret is
 * burnt by its first redemption attempt.
 */
export const oemHandlers: OemHandlers = {
  async createDeviceKey(operation, context) {
    const rollout = await context.rollout.consume(operation.rolloutRequestId);
    const generated = await generateDeviceKey({
      passphrase: rollout.RolloutKey,
      format: operation.keyFormat,
      ...(context.keyBits ? { bits: context.keyBits } : {}),
    });
    const decommissionToken = randomBytes(32).toString('base64url');
    const record: DeviceKeyRecord = {
      deviceKeyId: newDeviceKeyId(),
      tenantId: operation.tenantId,
      permissions: [...new Set(operation.keyPermissions)],
      publicKey: generated.publicKeyPem,
      decommissionTokenSha256: sha256Hex(decommissionToken),
      createdAt: context.clock.now().toISOString(),
    };
    await context.keys.save(record);
    return {
      deviceKeyId: record.deviceKeyId,
      encryptedPrivateKey: generated.encryptedPrivateKeyPem,
      decommissionToken,
    };
  },

  async requestControl(operation, context) {
    const record = await ownedKey(context, operation.tenantId, operation.deviceKeyId);
    if (!record) throw unknownKey(operation.deviceKeyId);
    if (!record.permissions.includes(operation.controlType)) {
      throw new AppError(
        'FORBIDDEN',
        `Device key "${operation.deviceKeyId}" does not allow ${operation.controlType} control; roll out a key with that permission.`,
      );
    }
    const remoteControlId = context.rollout.current()?.RemotecontrolId;
    if (!remoteControlId) {
      throw new AppError(
        'UNAVAILABLE',
        'The device does not know its remote-control ID yet; retry in a moment.',
      );
    }
    const deviceSecret = randomBytes(32);
    const targetNonce = randomBytes(16).toString('hex');
    context.secrets.add({
      tenantId: operation.tenantId,
      deviceKeyId: record.deviceKeyId,
      targetNonce,
      controlType: operation.controlType,
      masterSecret: computeMasterSecret(deviceSecret, {
        tenantNonce: operation.tenantNonce,
        targetNonce,
        tenantId: operation.tenantId,
        remoteControlId,
      }),
    });
    return {
      encryptedDeviceSecret: encryptDeviceSecret({
        publicKeyPem: record.publicKey,
        deviceSecret,
        oaepHash: operation.oaepHash,
      }),
      targetNonce,
    };
  },

  async redeemControl(operation, context) {
    // Consume first: a wrong, late or foreign attempt burns the secret all the same.
    const controlType = context.secrets.redeem(operation);
    const record = await ownedKey(context, operation.tenantId, operation.deviceKeyId);
    if (!controlType || !record?.permissions.includes(controlType)) throw invalidLink();
    return { controlType };
  },

  async deleteDeviceKey(operation, context) {
    const record = await ownedKey(context, operation.tenantId, operation.deviceKeyId);
    const isTokenRight =
      record !== undefined &&
      secretsEqual(record.decommissionTokenSha256, sha256Hex(operation.decommissionToken));
    if (!record || !isTokenRight) {
      throw new AppError(
        'FORBIDDEN',
        `Cannot unregister device key "${operation.deviceKeyId}": unknown key or wrong decommission token. Use the token createdevicekey returned with this key.`,
      );
    }
    await context.keys.delete(record.deviceKeyId);
    context.secrets.forgetKey(record.deviceKeyId);
    return {};
  },

  async registerApp(operation, context) {
    await context.apps.register({
      tenantId: operation.tenantId,
      accountId: operation.accountId,
      keyId: operation.keyId,
      signingKeySha256: operation.signingKeySha256,
    });
    return {};
  },
};
