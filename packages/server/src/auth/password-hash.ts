import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;
/**
 * For passwords the server generates (`generatePassword`, ~115 bits): the slow parameters exist
 * to make guessing a human-chosen password costly; nobody can guess 115 random bits at any cost.
 * About 40 times faster (measured 2.3 ms against 101 ms), so an import of 1,000 users with
 * generated passwords takes seconds, not minutes.
 */
const GENERATED_PARAMS = { N: 1 << 10, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { ...options, maxmem: 128 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/**
 * scrypt hash in the form `scrypt$N$r$p$salt$hash` (base64url), so parameters can grow later
 * without breaking stored hashes.
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 */
export async function hashPassword(password: string): Promise<string> {
  return hashWith(password, PARAMS);
}

/**
 * Hash of a password from `generatePassword` (never one a person chose): cheap parameters, in the
 * same form, checked by `verifyPassword` at the usual cost (see there).
 *
 * @example
 * const password = generatePassword();
 * const stored = await hashGeneratedPassword(password);
 */
export async function hashGeneratedPassword(password: string): Promise<string> {
  return hashWith(password, GENERATED_PARAMS);
}

async function hashWith(password: string, params: ScryptOptions): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** A valid hash of a random password: verifying against it costs what a real check costs. */
export const decoyHash = hashPassword(randomBytes(16).toString('base64url'));

/**
 * Constant-time check of a password against a stored hash; false for any malformed hash. A
 * malformed hash (an integration pseudo-user's `!…` marker) is refused only after a check
 * against the decoy, so it costs what a wrong password or an unknown user costs (no timing
 * oracle on which names exist or which cannot sign in).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  const isWellFormed = parts.length === 6 && parts[0] === 'scrypt' && parts.every(Boolean);
  const [, n = '', r = '', p = '', salt = '', hash = ''] = isWellFormed
    ? parts
    : (await decoyHash).split('$');
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  // A cheap hash (a generated initial password) still costs a full check: otherwise the time of
  // a sign-in would tell which usernames exist and still hold their initial password.
  if (Number(n) < PARAMS.N) {
    const decoy = (await decoyHash).split('$');
    await derive(password, Buffer.from(decoy[4] ?? '', 'base64url'), PARAMS);
  }
  return isWellFormed && key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A random password for the first administrator (S-3): 20 characters from an alphabet without
 * look-alikes, about 115 bits.
 */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}
