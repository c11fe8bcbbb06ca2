import { constants, createDecipheriv, privateDecrypt, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { AppError } from '@tether/protocol';
import { decodeCmsText } from './cms-armor.js';
import { parseEnvelopedData, type EnvelopedData, type KeyTransport } from './cms-envelope.js';
import { findRecipientKey, type CertificateFolders } from './certificate-store.js';

function cannotOpen(detail: string): AppError {
  return new AppError(
    'INVALID_INPUT',
    `The storage credential cannot be decrypted with the matching private key (${detail}); it is damaged or was sealed with another key. Seal it again with \`tether storage seal --cert FILE\`.`,
  );
}

/**
 * Decrypts a CMS-sealed credential with the key in `folders` that matches one of its
 * recipients. The result lives only in memory; callers wipe it (`fill(0)`) when done.
 *
 * @example
 * const secret = await openSealedCredential(policy.customStorage.credential, folders);
 * try { await upload(secret); } finally { secret.fill(0); }
 */
export async function openSealedCredential(
  text: string,
  folders: CertificateFolders,
): Promise<Buffer> {
  const envelope = parseEnvelopedData(decodeCmsText(text));
  const { recipient, privateKey } = await findRecipientKey(folders, envelope.recipients);
  const contentKey = unwrapKey(privateKey, recipient.transport, recipient.encryptedKey);
  try {
    return unwrapWindowsData(decryptContent(envelope, contentKey));
  } finally {
    contentKey.fill(0);
  }
}

function unwrapKey(privateKey: KeyObject, transport: KeyTransport, encrypted: Buffer): Buffer {
  try {
    if (transport.type === 'oaep') {
      return privateDecrypt(
        {
          key: privateKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: transport.hash,
          ...(transport.label.length ? { oaepLabel: transport.label } : {}),
        },
        encrypted,
      );
    }
    // Node 20 refuses PKCS#1 v1.5 decryption (Marvin attack); forge does it (DESIGN.md, Crypto).
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const forgeKey = forge.pki.privateKeyFromPem(pem);
    return Buffer.from(
      forgeKey.decrypt(encrypted.toString('binary'), 'RSAES-PKCS1-V1_5'),
      'binary',
    );
  } catch {
    throw cannotOpen('the content key does not unwrap');
  }
}

function decryptContent(envelope: EnvelopedData, contentKey: Buffer): Buffer {
  const { cipher } = envelope;
  if (contentKey.length !== cipher.keyBytes) throw cannotOpen('the content key has the wrong size');
  try {
    const decipher = createDecipheriv(cipher.name, contentKey, cipher.iv);
    return Buffer.concat([decipher.update(envelope.encryptedContent), decipher.final()]);
  } catch {
    throw cannotOpen('the content does not decrypt');
  }
}

/**
 * Windows (and so PowerShell's Protect-CmsMessage) encrypts `id-data` content as a DER OCTET
 * STRING around the bytes; openssl encrypts the bytes themselves. Accept both.
 */
function unwrapWindowsData(content: Buffer): Buffer {
  if (content[0] !== 0x04 || content.length < 2) return content;
  const first = content[1] ?? 0;
  let headerLength = 2;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count < 1 || count > 4) return content;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (content[2 + i] ?? 0);
    headerLength = 2 + count;
  }
  if (headerLength + length !== content.length) return content;
  const inner = Buffer.from(content.subarray(headerLength));
  content.fill(0);
  return inner;
}
