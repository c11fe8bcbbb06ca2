import { createPrivateKey } from 'node:crypto';
import { AppError, type CustomStorage } from '@tether/protocol';
import type { SftpCredential } from './sftp-target.js';

/** A PEM private key of any kind (OpenSSH, PKCS#1, PKCS#8, SEC1, encrypted) or a PuTTY key. */
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----|^PuTTY-User-Key-File-\d+:/m;

/**
 * Why the decrypted credential cannot be used with `authentication`, or undefined when it fits:
 * a private key sealed for password login would be sent to the SFTP server as the password (so
 * the key would leave this machine), and a password sealed for public-key login is no key.
 *
 * @example
 * credentialMismatch('password', '-----BEGIN OPENSSH PRIVATE KEY-----\n…'); // 'The sealed credential is a private key, …'
 */
export function credentialMismatch(
  authentication: CustomStorage['authentication'],
  text: string,
): string | undefined {
  const isKey = PRIVATE_KEY.test(text);
  if (authentication === 'password' && isKey) {
    return 'The sealed credential is a private key, but the authentication is "password": Tether never sends a private key as a password, so nothing was sent to the SFTP server. Choose public-key authentication, or seal the account\'s password instead.';
  }
  if (authentication === 'publicKey' && !isKey) {
    return 'The sealed credential is not a private key (no "-----BEGIN … PRIVATE KEY-----" block), but the authentication is "public key", so nothing was sent to the SFTP server. Choose password authentication if it is the password, or seal the private key (`tether storage seal --key-file KEY`).';
  }
  return undefined;
}

/**
 * Turns the decrypted bytes of a sealed credential into what ssh2 takes. Passwords: UTF-8
 * (UTF-16 with a byte-order mark is accepted too), without the line end `echo` or a file adds.
 * Private keys: OpenSSH, PKCS#1 or SEC1 PEM as they are; PKCS#8 is converted, because ssh2
 * reads RSA keys only as PKCS#1. A credential that does not fit `authentication` is refused
 * ({@link credentialMismatch}) before anything is sent. Wipes `plaintext`.
 */
export function toSftpCredential(
  authentication: CustomStorage['authentication'],
  plaintext: Buffer,
): SftpCredential {
  try {
    const text = decodeCredentialText(plaintext);
    const mismatch = credentialMismatch(authentication, text);
    if (mismatch) throw new AppError('INVALID_INPUT', mismatch);
    if (authentication === 'password')
      return { type: 'password', password: text.replace(/\r?\n$/, '') };
    return { type: 'publicKey', privateKey: Buffer.from(toSsh2Key(text.replace(/\r\n/g, '\n'))) };
  } finally {
    plaintext.fill(0);
  }
}

/** The decrypted bytes as text (UTF-8, or UTF-16/UTF-8 with a byte-order mark, as Windows writes). */
export function decodeCredentialText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

function toSsh2Key(pem: string): string {
  if (pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    throw new AppError(
      'INVALID_INPUT',
      'The sealed private key is protected by a passphrase, which Tether cannot ask for. Seal the key without a passphrase (the CMS seal protects it).',
    );
  }
  if (!pem.includes('-----BEGIN PRIVATE KEY-----')) return pem;
  let key;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new AppError('INVALID_INPUT', 'The sealed private key is not a readable PEM key.');
  }
  if (key.asymmetricKeyType === 'rsa')
    return key.export({ type: 'pkcs1', format: 'pem' }).toString();
  if (key.asymmetricKeyType === 'ec') return key.export({ type: 'sec1', format: 'pem' }).toString();
  throw new AppError(
    'INVALID_INPUT',
    `The sealed ${key.asymmetricKeyType ?? ''} private key is in PKCS#8 form, which the SFTP client cannot read. Convert it to OpenSSH form (\`ssh-keygen -p -f KEY\`) and seal it again.`,
  );
}
