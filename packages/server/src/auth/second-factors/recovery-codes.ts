import { createHash, randomInt } from 'node:crypto';
import { RECOVERY_CODE_COUNT } from '@tether/protocol';

/** No 0/O, 1/I/L: a code copied from paper is read back right. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const GROUP = 5;

/**
 * Ten new recovery codes, `XXXXX-XXXXX` (about 49 bits each). Shown once; only their hashes are
 * kept.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const letters = Array.from({ length: GROUP * 2 }, () => ALPHABET[randomInt(ALPHABET.length)]);
    return `${letters.slice(0, GROUP).join('')}-${letters.slice(GROUP).join('')}`;
  });
}

/**
 * What is stored of a code: SHA-256 of its normalised form (letter case, spaces and dashes do
 * not matter). A fast hash suffices: the codes are random, not chosen by people, and a guess
 * online is throttled like a password.
 */
export function hashRecoveryCode(code: string): string {
  const normalised = code.toUpperCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(normalised).digest('base64url');
}

/** Whether `code` looks like a recovery code (not a 6-digit app code). */
export function isRecoveryCodeShape(code: string): boolean {
  return code.replace(/[\s-]/g, '').length === GROUP * 2;
}
