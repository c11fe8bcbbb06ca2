import { createHash, randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceKeyRecord } from '@tether/protocol';
import { writePrivateFile } from './private-file.js';

/** The device keys of this agent, one file each under `<dataDir>/oem-keys/`. */
export interface DeviceKeyStore {
  save(record: DeviceKeyRecord): Promise<void>;
  /** The record, or undefined when there is none (deleted, never made, or unreadable). */
  find(deviceKeyId: string): Promise<DeviceKeyRecord | undefined>;
  delete(deviceKeyId: string): Promise<void>;
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

  return {
    async save(record) {
      const path = pathOf(record.deviceKeyId);
      if (!path) throw new Error('device key IDs are UUIDs');
      await writePrivateFile(path, `${JSON.stringify(record)}\n`);
    },
    async find(deviceKeyId) {
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
      return parsed.success ? parsed.data : undefined;
    },
    async delete(deviceKeyId) {
      const path = pathOf(deviceKeyId);
      if (path) await rm(path, { force: true });
    },
  };
}
