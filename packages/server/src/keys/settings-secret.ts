import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '@tether/protocol';
import { readIfExists, writeSecretFile } from './files.js';

/**
 * The server's key for secrets kept in its settings (a scheduled backup's passphrase): 32 random
 * bytes in `keys/settings.key`, made at first use, readable by the server's account only. The
 * database alone (a PostgreSQL dump, a copied SQLite file) then never gives those secrets away.
 * The key travels in backups with the other keys, so a restored server opens them too.
 */
const KEY_FILE = 'settings.key';
const VERSION = 'v1';

async function settingsKey(keysDir: string): Promise<Buffer> {
  const file = join(keysDir, KEY_FILE);
  const existing = await readIfExists(file);
  if (existing) return Buffer.from(existing.trim(), 'base64');
  const key = randomBytes(32);
  await writeSecretFile(file, `${key.toString('base64')}\n`);
  return key;
}

/**
 * Encrypts a secret for the settings table (AES-256-GCM): `v1.<base64 of iv, tag, ciphertext>`.
 *
 * @example
 * const sealed = await sealSetting(keysDir, passphrase);
 * (await openSetting(keysDir, sealed)) === passphrase;
 */
export async function sealSetting(keysDir: string, secret: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await settingsKey(keysDir), iv);
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
}

/** Decrypts what `sealSetting` made; a changed key or text is an error that names no secret. */
export async function openSetting(keysDir: string, sealed: string): Promise<string> {
  const [version, body = ''] = sealed.split('.');
  const bytes = Buffer.from(body, 'base64');
  if (version !== VERSION || bytes.length < 28)
    throw new AppError('INVALID_INPUT', 'A stored secret is not readable; set it again.');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    await settingsKey(keysDir),
    bytes.subarray(0, 12),
  );
  decipher.setAuthTag(bytes.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      `A stored secret does not open with keys/${KEY_FILE} (was the key replaced?); set it again.`,
    );
  }
}
