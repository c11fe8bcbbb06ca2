import { randomInt } from 'node:crypto';

/** Letters and digits without look-alikes (no 0/O, 1/l/I), easy to read out over the phone. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * A new one-time password for an unattended access (M-2): 12 characters in groups of four,
 * 60 bits from the CSPRNG. With the guess limit that is out of reach of guessing.
 *
 * @example
 * generateOneTimePassword() // 'k7qm-x2np-r9tb'
 */
export function generateOneTimePassword(): string {
  const groups = Array.from({ length: 3 }, () =>
    Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  );
  return groups.join('-');
}
