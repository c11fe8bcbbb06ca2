import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { AppError, toBase64Url, type CertificateSummary } from '@tether/protocol';

/** A certificate chain (leaf first) and its private key, both PEM. The key is a secret. */
export interface CertificatePair {
  chain: string;
  key: string;
}

/** A pair that passed {@link checkCertificatePair}, with what the administrator sees of it. */
export interface CheckedPair extends CertificatePair {
  summary: Omit<CertificateSummary, 'source'>;
  /** Worth fixing, but the pair is usable (a name not covered, expiry soon, self-signed). */
  warnings: string[];
}

const DAY_MS = 86_400_000;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_PRIVATE_KEY =
  /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

/** base64url SHA-256 of a certificate's DER: what agents see and the server signs. */
export function fingerprintOf(certificate: X509Certificate): string {
  return toBase64Url(createHash('sha256').update(certificate.raw).digest());
}

/** The PEM certificates of a text, in order. */
export function certificateBlocks(text: string): string[] {
  return [...text.matchAll(PEM_CERTIFICATE)].map((match) => `${match[0]}\n`);
}

/** The PEM private key of a text, if it holds one. */
export function privateKeyBlock(text: string): string | undefined {
  const match = PEM_PRIVATE_KEY.exec(text);
  return match ? `${match[0]}\n` : undefined;
}

function parseChain(text: string): X509Certificate[] {
  const blocks = certificateBlocks(text);
  if (blocks.length === 0) {
    throw new AppError(
      'INVALID_INPUT',
      'No certificate found: give the PEM text that starts with -----BEGIN CERTIFICATE----- (the server certificate first, then its intermediates).',
    );
  }
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new AppError('INVALID_INPUT', `Certificate ${index + 1} of the chain cannot be read.`);
    }
  });
}

function parseKey(text: string): KeyObject {
  const block = privateKeyBlock(text);
  if (block?.includes('ENCRYPTED')) {
    throw new AppError(
      'INVALID_INPUT',
      'The private key is encrypted: give it without a passphrase, or upload a PKCS#12 file with its passphrase.',
    );
  }
  try {
    // The message of a parse error may quote key material: never pass it on.
    return createPrivateKey(block ?? text);
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      'The private key cannot be read: give the PEM text that starts with -----BEGIN PRIVATE KEY----- (or RSA / EC PRIVATE KEY).',
    );
  }
}

function commonNameOf(certificate: X509Certificate): string {
  return /CN=([^\n]+)/.exec(certificate.subject)?.[1] ?? certificate.subject.replace(/\n/g, ', ');
}

/** DNS names and IP addresses of the subject alternative names. */
function namesOf(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '')
    .split(', ')
    .map((entry) => /^(?:DNS|IP Address):(.+)$/.exec(entry)?.[1])
    .filter((name): name is string => name !== undefined);
}

function keyTypeOf(certificate: X509Certificate): string {
  const { publicKey } = certificate;
  const details = publicKey.asymmetricKeyDetails;
  const size = details?.modulusLength ?? details?.namedCurve;
  return [publicKey.asymmetricKeyType ?? 'unknown', size].filter(Boolean).join(' ');
}

function checkValidity(certificate: X509Certificate, label: string, now: Date): void {
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  if (validTo.getTime() <= now.getTime()) {
    throw new AppError(
      'INVALID_INPUT',
      `${label} expired on ${validTo.toISOString()}: get a renewed certificate from its issuer.`,
    );
  }
  if (validFrom.getTime() > now.getTime()) {
    throw new AppError(
      'INVALID_INPUT',
      `${label} is not valid before ${validFrom.toISOString()} (the server's clock says ${now.toISOString()}).`,
    );
  }
}

function checkOrder(chain: X509Certificate[]): void {
  for (let index = 0; index + 1 < chain.length; index += 1) {
    const [child, issuer] = [chain[index], chain[index + 1]];
    if (!child || !issuer) continue;
    if (!child.checkIssued(issuer) || !child.verify(issuer.publicKey)) {
      throw new AppError(
        'INVALID_INPUT',
        `The chain is out of order: certificate ${index + 2} ("${commonNameOf(issuer)}") did not issue certificate ${index + 1} ("${commonNameOf(child)}"). Put the server's certificate first, then the certificate that issued it, and so on.`,
      );
    }
  }
}

/** Whether the certificate covers the host of a URL (a DNS name or an IP address). */
export function coversHost(certificate: X509Certificate, host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return isIP(bare) === 0
    ? certificate.checkHost(bare) !== undefined
    : certificate.checkIP(bare) !== undefined;
}

/**
 * Validates a chain and key before anything is stored (S-5): the key belongs to the leaf,
 * every certificate is valid now, each one is issued by the next. A public URL the leaf does not
 * name, an expiry within 30 days or a self-signed leaf are warnings.
 *
 * @example
 * const checked = checkCertificatePair({ chain, key }, { now: clock.now(), publicHost: 'tether.example.com' });
 */
export function checkCertificatePair(
  pair: CertificatePair,
  options: { now: Date; publicHost: string },
): CheckedPair {
  const chain = parseChain(pair.chain);
  const privateKey = parseKey(pair.key);
  const [leaf] = chain;
  if (!leaf) throw new AppError('INVALID_INPUT', 'No certificate found.');
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new AppError(
      'INVALID_INPUT',
      `The private key does not belong to the certificate "${commonNameOf(leaf)}": give the key that was made with this certificate (the first one of the chain).`,
    );
  }
  chain.forEach((certificate, index) =>
    checkValidity(
      certificate,
      index === 0 ? 'The certificate' : `Intermediate certificate ${index + 1}`,
      options.now,
    ),
  );
  checkOrder(chain);
  const summary = summarize(chain, options.now);
  const warnings: string[] = [];
  if (!coversHost(leaf, options.publicHost)) {
    warnings.push(
      `The certificate does not name ${options.publicHost}, the host of the server's public URL: browsers will refuse or warn. Its names: ${summary.names.join(', ') || 'none'}.`,
    );
  }
  if (summary.daysLeft < 30) {
    warnings.push(`The certificate expires in ${summary.daysLeft} days (${summary.validTo}).`);
  }
  if (summary.selfSigned) {
    warnings.push('The certificate is self-signed: browsers ask every user to accept it.');
  }
  return {
    chain: chain.map((certificate) => certificate.toString()).join(''),
    // Normalised to PKCS#8: the stored file holds one key format whatever was uploaded.
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    summary,
    warnings,
  };
}

/**
 * What the administrator sees of a chain (its leaf, mostly).
 *
 * @example
 * summarize([new X509Certificate(pem)], clock.now()).daysLeft
 */
export function summarize(
  chain: readonly X509Certificate[],
  now: Date,
): Omit<CertificateSummary, 'source'> {
  const [leaf] = chain;
  if (!leaf) throw new AppError('INVALID_INPUT', 'No certificate found.');
  const validTo = new Date(leaf.validTo);
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    names: namesOf(leaf),
    validFrom: new Date(leaf.validFrom).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
    fingerprint: fingerprintOf(leaf),
    fingerprintHex: leaf.fingerprint256,
    // Not `checkIssued`: OpenSSL also asks the issuer for the keyCertSign usage, which a
    // self-signed server certificate rarely has.
    selfSigned: leaf.subject === leaf.issuer && leaf.verify(leaf.publicKey),
    keyType: keyTypeOf(leaf),
    chainLength: chain.length,
  };
}

/** Reads a PEM chain (leaf first) into certificates; throws on a text with none. */
export function readChain(text: string): X509Certificate[] {
  return parseChain(text);
}
