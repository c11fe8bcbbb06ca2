import { createPrivateKey } from 'node:crypto';
import { AppError } from '@tether/protocol';
import type { SftpCredential } from './sftp-target.js';

/**
 * Turns the decrypted bytes of a sealed credential into what ssh2 takes. Passwords: UTF-8
 * (UTF-16 with a byte-order mark is accepted too), without the line end `echo` or a file adds.
 * Private keys: OpenSSH, PKCS#1 or SEC1 PEM as they are; PKCS#8 is converted, because ssh2
 * reads RSA keys only as PKCS#1. Wipes `plaintext`.
 */
export function toSftpCredential(
  authentication: 'password' | 'publicKey',
  plaintext: Buffer,
): SftpCredential {
  try {
    const text = decodeText(plaintext);
    if (authentication === 'password')
      return { type: 'password', password: text.replace(/\r?\n$/, '') };
    return { type: 'publicKey', privateKey: Buffer.from(toSsh2Key(text.replace(/\r\n/g, '\n'))) };
  } finally {
    plaintext.fill(0);
  }
}

function decodeText(bytes: Buffer): string {
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
