import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readIfExists, writeSecretFile } from './files.js';

const FILE = 'secret-box.key';
const PREFIX = 'sealed:v1:';

/**
 * Encrypts small secrets the server must read back (authenticator-app secrets) before they reach
 * the database, so a copy of the database alone reveals none of them. AES-256-GCM under a key
 * kept with the server's other keys (`keys/secret-box.key`, 0600; backups carry it).
 *
 * Each value is bound to what it belongs to (`context`, e.g. `totp:<user id>`): a sealed value
 * copied onto another row does not open.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** Opens a sealed value; a value stored before sealing existed is returned as it is. */
  open(stored: string, context: string): string;
}

/**
 * Loads the key from the keys folder, creating it on first start.
 *
 * @example
 * const box = await loadSecretBox(keysDir);
 * const stored = box.seal(secret, `totp:${userId}`);
 */
export async function loadSecretBox(keysDir: string): Promise<SecretBox> {
  const file = join(keysDir, FILE);
  let encoded = (await readIfExists(file))?.trim();
  if (!encoded) {
    encoded = randomBytes(32).toString('base64url');
    await writeSecretFile(file, `${encoded}\n`);
  }
  const key = Buffer.from(encoded, 'base64url');
  if (key.length !== 32)
    throw new Error(`${file} is not a 32-byte key. Restore it from a backup of this server.`);
  return secretBox(key);
}

/** A box over a given key (tests). */
export function secretBox(key: Buffer): SecretBox {
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${PREFIX}${[iv, sealed, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.')}`;
    },
    open(stored, context) {
      if (!stored.startsWith(PREFIX)) return stored;
      const [iv, sealed, tag] = stored
        .slice(PREFIX.length)
        .split('.')
        .map((part) => Buffer.from(part, 'base64url'));
      if (!iv || !sealed || !tag) throw new Error('A sealed secret in the database is damaged.');
      const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(
          'A sealed secret in the database does not open with keys/secret-box.key: the key file does not belong to this database (restore both from the same backup).',
        );
      }
    },
  };
}
