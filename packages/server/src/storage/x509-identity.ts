import { createHash, X509Certificate } from 'node:crypto';
import { bytesOf, childrenOf, derOf, integerHex, isContext, oidOf, parseAsn1 } from './asn1.js';

const SUBJECT_KEY_ID = '2.5.29.14';
const NAME_LABELS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

/** How CMS recipients name a certificate: issuer + serial, and subject key identifier. */
export interface CertificateIdentity {
  issuerDer: Buffer;
  serialHex: string;
  /** The certificate's SKI extension, or SHA-1 of its public key (RFC 5280 §4.2.1.2) without one. */
  subjectKeyId: Buffer;
}

/** Reads the identity fields of an X.509 certificate. */
export function certificateIdentity(certificate: X509Certificate): CertificateIdentity {
  const tbs = childrenOf(childrenOf(parseAsn1(certificate.raw))[0]);
  // tbsCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, …, [3] extensions
  const fields = isContext(tbs[0], 0) ? tbs.slice(1) : tbs;
  const [serial, , issuer, , , spki] = fields;
  if (!issuer || !spki) throw new Error('certificate without issuer or public key');
  return {
    issuerDer: derOf(issuer),
    serialHex: integerHex(serial),
    subjectKeyId: subjectKeyIdOf(fields) ?? publicKeyHash(childrenOf(spki)[1]),
  };
}

function subjectKeyIdOf(fields: ReturnType<typeof childrenOf>): Buffer | undefined {
  const extensions = childrenOf(childrenOf(fields.find((node) => isContext(node, 3)))[0]);
  for (const extension of extensions) {
    const parts = childrenOf(extension);
    if (oidOf(parts[0]) !== SUBJECT_KEY_ID) continue;
    const value = bytesOf(parts[parts.length - 1]);
    return bytesOf(parseAsn1(value));
  }
  return undefined;
}

function publicKeyHash(bitString: ReturnType<typeof childrenOf>[number] | undefined): Buffer {
  // The first content byte of a BIT STRING counts unused bits; the key follows.
  return createHash('sha1').update(bytesOf(bitString).subarray(1)).digest();
}

/** A distinguished name (DER) as people read it: `CN=Tether SFTP, O=Example`. */
export function describeName(nameDer: Buffer): string {
  try {
    const parts = childrenOf(parseAsn1(nameDer)).flatMap((rdn) =>
      childrenOf(rdn).map((attribute) => {
        const [oid, value] = childrenOf(attribute);
        const type = oidOf(oid);
        return `${NAME_LABELS[type] ?? type}=${bytesOf(value).toString('utf8')}`;
      }),
    );
    return parts.join(', ') || '(empty name)';
  } catch {
    return '(unreadable name)';
  }
}
