import { X509Certificate, createPrivateKey } from 'node:crypto';
import type Forge from 'node-forge';
import { AppError } from '@tether/protocol';
import type { CertificatePair } from './certificate-check.js';

const PKCS12_HELP = 'Export it again as .p12 / .pfx with its private key.';

function pem(label: string, der: Buffer): string {
  const base64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${base64}-----END ${label}-----\n`;
}

/** Leaf first (the certificate the key belongs to), then each issuer in turn. */
function orderChain(certificates: X509Certificate[], leaf: X509Certificate): X509Certificate[] {
  const chain = [leaf];
  const rest = certificates.filter((certificate) => certificate !== leaf);
  for (;;) {
    const last = chain[chain.length - 1];
    const issuer = rest.find((candidate) => last?.checkIssued(candidate) && candidate !== last);
    if (!issuer || issuer === last) break;
    chain.push(issuer);
    rest.splice(rest.indexOf(issuer), 1);
  }
  return chain;
}

/**
 * The certificate chain and key of a PKCS#12 file (S-5), as PEM for {@link checkCertificatePair}.
 * node-forge decodes it (loaded here, at the first upload, not at every start); it reads RSA keys
 * itself and leaves other keys (EC, Ed25519) as ASN.1, which node:crypto reads.
 *
 * @example
 * const pair = await pairFromPkcs12(Buffer.from(base64, 'base64'), passphrase);
 */
export async function pairFromPkcs12(file: Buffer, passphrase: string): Promise<CertificatePair> {
  const { default: forge } = await import('node-forge');
  let archive: ReturnType<typeof forge.pkcs12.pkcs12FromAsn1>;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(file.toString('binary')));
    archive = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/MAC could not be verified|Invalid password|decrypt/i.test(message)) {
      throw new AppError('INVALID_INPUT', 'Wrong passphrase for the PKCS#12 file.');
    }
    throw new AppError('INVALID_INPUT', `This is not a readable PKCS#12 file. ${PKCS12_HELP}`);
  }
  const { oids } = forge.pki;
  const bags = (type: string): Forge.pkcs12.Bag[] => archive.getBags({ bagType: type })[type] ?? [];
  const toDer = (asn1: Forge.asn1.Asn1): Buffer =>
    Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  const certificates = bags(oids.certBag ?? '').map((bag) => {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
    return new X509Certificate(toDer(asn1));
  });
  const keyBag = [...bags(oids.pkcs8ShroudedKeyBag ?? ''), ...bags(oids.keyBag ?? '')][0];
  if (!keyBag) {
    throw new AppError('INVALID_INPUT', `The PKCS#12 file holds no private key. ${PKCS12_HELP}`);
  }
  const key = keyBag.key
    ? createPrivateKey(forge.pki.privateKeyToPem(keyBag.key))
    : createPrivateKey({ key: toDer(keyBag.asn1), format: 'der', type: 'pkcs8' });
  const leaf = certificates.find((certificate) => certificate.checkPrivateKey(key));
  if (!leaf) {
    throw new AppError(
      'INVALID_INPUT',
      `The PKCS#12 file holds no certificate for its private key. ${PKCS12_HELP}`,
    );
  }
  return {
    chain: orderChain(certificates, leaf)
      .map((certificate) => pem('CERTIFICATE', Buffer.from(certificate.raw)))
      .join(''),
    key: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
