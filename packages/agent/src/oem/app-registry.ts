import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppRegistrationsFile, type AppRegistration } from '@tether/protocol/agent';
import { secretsEqual } from './control-secrets.js';
import { writePrivateFile } from './private-file.js';

/** The integrator apps allowed to fetch rollout data locally (O-5), kept in a 0600 file. */
export interface AppRegistry {
  /** Adds or replaces the registration of (accountId, keyId). */
  register(app: AppRegistration): Promise<void>;
  /**
   * The registration of (accountId, keyId) when `publicKey` is the key registered for it
   * (its SPKI DER's SHA-256 matches), else undefined.
   */
  verify(input: {
    accountId: string;
    keyId: string;
    publicKey: KeyObject;
  }): Promise<AppRegistration | undefined>;
}

/**
 * SHA-256 (hex) of a public key's DER SubjectPublicKeyInfo: what `appregistrations` stores.
 *
 * @example
 * signingKeySha256(createPublicKey(pem)); // '3f2a…'
 */
export function signingKeySha256(publicKey: KeyObject): string {
  const spki = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  const der = spki.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Keeps app registrations in `path`.
 *
 * @example
 * const apps = createAppRegistry({ path: join(dataDir, 'oem-apps.json') });
 */
export function createAppRegistry(options: { path: string }): AppRegistry {
  const load = async (): Promise<AppRegistration[]> => {
    let text: string;
    try {
      text = await readFile(options.path, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // A damaged file registers nobody; the server pushes registrations again.
      return [];
    }
    const parsed = AppRegistrationsFile.safeParse(json);
    return parsed.success ? parsed.data.apps : [];
  };
  let writes: Promise<void> = Promise.resolve();

  return {
    register(app) {
      const write = writes.then(async () => {
        const apps = (await load()).filter(
          (known) => known.accountId !== app.accountId || known.keyId !== app.keyId,
        );
        await writePrivateFile(options.path, `${JSON.stringify({ apps: [...apps, app] })}\n`);
      });
      writes = write.catch(() => undefined);
      return write;
    },
    async verify(input) {
      const app = (await load()).find(
        (known) => known.accountId === input.accountId && known.keyId === input.keyId,
      );
      if (!app) return undefined;
      return secretsEqual(app.signingKeySha256, signingKeySha256(input.publicKey))
        ? app
        : undefined;
    },
  };
}
