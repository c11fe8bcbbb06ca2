import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceKeyRecord, LegacyDeviceKeyRecord } from '@tether/protocol/agent';
import { writePrivateFile } from './private-file.js';

/** The device keys of this agent (public halves only), one file each under `<dataDir>/oem-keys/`. */
export interface DeviceKeyStore {
  save(record: DeviceKeyRecord): Promise<void>;
  /** The record, or undefined when there is none (deleted, never made, or unreadable). */
  find(deviceKeyId: string): Promise<DeviceKeyRecord | undefined>;
  delete(deviceKeyId: string): Promise<void>;
  /**
   * Rewrites every key file that older agents wrote with the private key in clear so that it
   * keeps only the public half; returns how many it rewrote.
   */
  dropPrivateKeys(): Promise<number>;
}

/** SHA-256 of a secret as hex: what is stored and compared instead of the secret. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A new device key ID (a GUID, as in the vendor document). */
export function newDeviceKeyId(): string {
  return randomUUID();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/**
 * Stores device keys as files. IDs must be UUIDs before they become file names, so a forwarded
 * ID can never point outside the folder.
 *
 * @example
 * const keys = createDeviceKeyStore({ folder: join(dataDir, 'oem-keys') });
 */
export function createDeviceKeyStore(options: { folder: string }): DeviceKeyStore {
  const pathOf = (deviceKeyId: string): string | undefined => {
    const id = deviceKeyId.toLowerCase();
    return UUID.test(id) ? join(options.folder, `${id}.json`) : undefined;
  };

  /** Reads a record; a legacy one is rewritten without its private key on the way. */
  const find = async (deviceKeyId: string): Promise<DeviceKeyRecord | undefined> => {
    const path = pathOf(deviceKeyId);
    if (!path) return undefined;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // A damaged file counts as no key: the integrator rolls out a new one.
      return undefined;
    }
    const parsed = DeviceKeyRecord.safeParse(json);
    if (parsed.success) return parsed.data;
    const legacy = LegacyDeviceKeyRecord.safeParse(json);
    if (!legacy.success) return undefined;
    const record = withoutPrivateKey(legacy.data);
    if (record) await writePrivateFile(path, `${JSON.stringify(record)}\n`);
    // A private key that cannot even be read is of no use to anyone: the file goes.
    else await rm(path, { force: true });
    return record;
  };

  return {
    async save(record) {
      const path = pathOf(record.deviceKeyId);
      if (!path) throw new Error('device key IDs are UUIDs');
      await writePrivateFile(path, `${JSON.stringify(record)}\n`);
    },
    find,
    async delete(deviceKeyId) {
      const path = pathOf(deviceKeyId);
      if (path) await rm(path, { force: true });
    },
    async dropPrivateKeys() {
      let names: string[];
      try {
        names = await readdir(options.folder);
      } catch (error) {
        if (isMissing(error)) return 0;
        throw error;
      }
      let rewritten = 0;
      for (const name of names) {
        if (!name.endsWith('.json')) continue;
        const text = await readFile(join(options.folder, name), 'utf8').catch(() => '');
        if (!text.includes('"privateKey"')) continue;
        await find(name.slice(0, -'.json'.length));
        rewritten += 1;
      }
      return rewritten;
    },
  };
}

/** The record an older agent wrote, with its private key replaced by the public half. */
function withoutPrivateKey(legacy: LegacyDeviceKeyRecord): DeviceKeyRecord | undefined {
  const { privateKey, ...fields } = legacy;
  let publicKey: string;
  try {
    publicKey = String(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
  } catch {
    // An unreadable key cannot be used for anything: it counts as no key.
    return undefined;
  }
  return { ...fields, publicKey };
}
