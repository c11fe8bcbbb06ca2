import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { AppError } from '@tether/protocol';
import { encodeCmsPem } from './cms-armor.js';

/**
 * Seals a credential to a certificate as a CMS EnvelopedData message (RSA PKCS#1 v1.5 key
 * transport, AES-256-CBC content), what `Protect-CmsMessage` and `openssl cms -encrypt -aes256`
 * produce, so administrators without PowerShell can fill in the custom storage setting.
 *
 * @example
 * const pem = sealCredential(readFileSync('MyCompanySFTP.pem', 'utf8'), Buffer.from(password));
 */
export function sealCredential(certificatePem: string, plaintext: Uint8Array): string {
  let certificate: forge.pki.Certificate;
  try {
    // Read with node first: its errors are clearer, and forge only reads RSA certificates.
    const x509 = new X509Certificate(certificatePem);
    if (x509.publicKey.asymmetricKeyType !== 'rsa') {
      throw new AppError(
        'INVALID_INPUT',
        `The certificate has a ${x509.publicKey.asymmetricKeyType ?? 'non-RSA'} key; storage credentials are sealed to RSA certificates (e.g. New-SelfSignedCertificate -Type DocumentEncryptionCert, or openssl req -x509 -newkey rsa:3072).`,
      );
    }
    certificate = forge.pki.certificateFromPem(x509.toString());
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('INVALID_INPUT', 'The certificate is not a readable PEM X.509 certificate.');
  }
  const envelope = forge.pkcs7.createEnvelopedData();
  envelope.addRecipient(certificate);
  envelope.content = forge.util.createBuffer(Buffer.from(plaintext).toString('binary'));
  envelope.encrypt();
  const der = forge.asn1.toDer(envelope.toAsn1()).getBytes();
  return encodeCmsPem(Buffer.from(der, 'binary'));
}
