import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AppError } from '@tether/protocol';
import type { KeyTransRecipient, RecipientId } from './cms-envelope.js';
import { certificateIdentity, describeName, type CertificateIdentity } from './x509-identity.js';

/** Where the uploading machine keeps the certificates and keys credentials are sealed to. */
export interface CertificateFolders {
  /** Certificates (PEM or DER), e.g. `/etc/tether/ssl/certs/MyCompanySFTP.pem`. */
  certsDir: string;
  /** Private keys with the same base name, e.g. `/etc/tether/ssl/private/MyCompanySFTP.key`. */
  privateDir: string;
}

/** The private key that can open a message, and which recipient of the message it belongs to. */
export interface RecipientKey {
  recipient: KeyTransRecipient;
  privateKey: KeyObject;
  certificateFile: string;
  keyFile: string;
}

const CERT_EXTENSIONS = ['.pem', '.crt', '.cer', '.cert'];
const KEY_EXTENSIONS = ['.key', '.pem'];
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

interface LoadedCertificate {
  file: string;
  certificate: X509Certificate;
  identity: CertificateIdentity;
}

/**
 * Finds, among the certificates in `certsDir`, one a recipient of the message names, and loads
 * the private key of the same base name from `privateDir`. Refuses a key that group or others
 * may read, or that belongs to another user than root or the server's own. Every refusal says
 * what to fix.
 *
 * @example
 * const { privateKey, recipient } = await findRecipientKey(folders, envelope.recipients);
 */
export async function findRecipientKey(
  folders: CertificateFolders,
  recipients: KeyTransRecipient[],
): Promise<RecipientKey> {
  const certificates = await loadCertificates(folders.certsDir);
  for (const recipient of recipients) {
    const match = certificates.find((loaded) => matches(recipient.id, loaded.identity));
    if (!match) continue;
    const { keyFile, privateKey } = await loadPrivateKey(folders.privateDir, match);
    return { recipient, privateKey, certificateFile: match.file, keyFile };
  }
  throw new AppError(
    'INVALID_INPUT',
    `No certificate in ${folders.certsDir} matches the storage credential, which was sealed to ${recipients.map(describeRecipient).join(' or ')}. Put that certificate in ${folders.certsDir} and its private key with the same base name in ${folders.privateDir}, or seal the credential again to a certificate that is there (\`tether storage seal --cert FILE\`).`,
  );
}

function matches(id: RecipientId, identity: CertificateIdentity): boolean {
  return id.type === 'subjectKeyId'
    ? id.keyId.equals(identity.subjectKeyId)
    : id.serialHex === identity.serialHex && id.issuerDer.equals(identity.issuerDer);
}

function describeRecipient(recipient: KeyTransRecipient): string {
  const { id } = recipient;
  return id.type === 'subjectKeyId'
    ? `the certificate with subject key identifier ${id.keyId.toString('hex')}`
    : `the certificate issued by "${describeName(id.issuerDer)}" with serial ${id.serialHex || '0'}`;
}

async function loadCertificates(certsDir: string): Promise<LoadedCertificate[]> {
  let names: string[];
  try {
    names = await readdir(certsDir);
  } catch (error) {
    throw new AppError(
      'UNAVAILABLE',
      `Cannot read the certificate folder ${certsDir} (${(error as NodeJS.ErrnoException).code ?? 'error'}). Create it and put the certificate the storage credential is sealed to there, or set storage.certsDir in the server configuration.`,
    );
  }
  const loaded: LoadedCertificate[] = [];
  for (const name of names.filter((file) => CERT_EXTENSIONS.includes(extname(file)))) {
    const file = join(certsDir, name);
    const content = await readFile(file).catch(() => undefined);
    if (!content) continue;
    const text = content.toString('latin1');
    const blocks = text.includes('-----BEGIN') ? (text.match(PEM_CERTIFICATE) ?? []) : [content];
    for (const block of blocks) {
      try {
        const certificate = new X509Certificate(block);
        loaded.push({ file, certificate, identity: certificateIdentity(certificate) });
      } catch {
        // Not a certificate (a key or a chain part we cannot read): not a candidate.
        continue;
      }
    }
  }
  return loaded;
}

async function loadPrivateKey(
  privateDir: string,
  match: LoadedCertificate,
): Promise<{ keyFile: string; privateKey: KeyObject }> {
  const base = basename(match.file, extname(match.file));
  const candidates = KEY_EXTENSIONS.map((extension) => join(privateDir, `${base}${extension}`));
  for (const keyFile of candidates) {
    const info = await stat(keyFile).catch(() => undefined);
    if (!info?.isFile()) continue;
    if ((info.mode & 0o077) !== 0) {
      throw new AppError(
        'FORBIDDEN',
        `The private key ${keyFile} is readable by other users (mode ${(info.mode & 0o777).toString(8)}), so Tether will not use it. Run \`chmod 600 ${keyFile}\` (and \`chown root ${keyFile}\`).`,
      );
    }
    const ownUid = process.getuid?.() ?? 0;
    if (info.uid !== 0 && info.uid !== ownUid) {
      throw new AppError(
        'FORBIDDEN',
        `The private key ${keyFile} belongs to user id ${info.uid}, not to root or the server's user, so Tether will not use it. Run \`chown root ${keyFile}\`.`,
      );
    }
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(await readFile(keyFile));
    } catch {
      throw new AppError(
        'INVALID_INPUT',
        `${keyFile} is not a readable unencrypted private key (PEM or DER). Store the key without a passphrase, readable only by its owner.`,
      );
    }
    const keyPublic = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const certPublic = match.certificate.publicKey.export({ type: 'spki', format: 'der' });
    if (!keyPublic.equals(certPublic)) {
      throw new AppError(
        'INVALID_INPUT',
        `${keyFile} is not the private key of ${match.file}. Put the matching key there (same base name as the certificate).`,
      );
    }
    return { keyFile, privateKey };
  }
  throw new AppError(
    'UNAVAILABLE',
    `The storage credential is sealed to ${match.file}, but there is no private key for it: expected ${candidates.join(' or ')} (mode 600).`,
  );
}
