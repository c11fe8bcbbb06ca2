import { AppError } from '@tether/protocol';
import {
  bytesOf,
  childrenOf,
  derOf,
  integerHex,
  isContext,
  isUniversal,
  oidOf,
  parseAsn1,
  Type,
  type Asn1,
} from './asn1.js';

const OID = {
  envelopedData: '1.2.840.113549.1.7.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  pSpecified: '1.2.840.113549.1.1.9',
} as const;

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Content ciphers as node:crypto names them, with their key length in bytes. */
const CIPHERS: Record<string, { name: string; keyBytes: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyBytes: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyBytes: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyBytes: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyBytes: 24 },
};

/** Who a recipient is: the certificate's issuer and serial, or its subject key identifier. */
export type RecipientId =
  | { type: 'issuerSerial'; issuerDer: Buffer; serialHex: string }
  | { type: 'subjectKeyId'; keyId: Buffer };

/** How the content-encryption key was wrapped for one recipient. */
export type KeyTransport = { type: 'pkcs1v15' } | { type: 'oaep'; hash: string; label: Buffer };

/** An RSA key-transport recipient of an EnvelopedData message. */
export interface KeyTransRecipient {
  id: RecipientId;
  transport: KeyTransport;
  encryptedKey: Buffer;
}

/** The parts of a CMS EnvelopedData message needed to decrypt it. */
export interface EnvelopedData {
  recipients: KeyTransRecipient[];
  cipher: { name: string; keyBytes: number; iv: Buffer };
  encryptedContent: Buffer;
}

function corrupt(what: string): AppError {
  return new AppError(
    'INVALID_INPUT',
    `The storage credential is not a usable CMS message (${what}). Seal the password or key again with \`tether storage seal\`, \`openssl cms -encrypt\` or Protect-CmsMessage and paste the whole output.`,
  );
}

/**
 * Reads a CMS EnvelopedData message (RFC 5652) from DER/BER bytes: its RSA key-transport
 * recipients (PKCS#1 v1.5 or OAEP) and its AES-CBC or 3DES-CBC content. Throws
 * `INVALID_INPUT` saying what is wrong and how to fix it.
 *
 * @example
 * const envelope = parseEnvelopedData(decodeCmsText(credential));
 */
export function parseEnvelopedData(der: Uint8Array): EnvelopedData {
  let root: Asn1;
  try {
    root = parseAsn1(der);
  } catch {
    throw corrupt('its bytes are not valid ASN.1; it may be truncated or altered');
  }
  const [contentType, wrapped] = childrenOf(root);
  if (oidOf(contentType) !== OID.envelopedData)
    throw corrupt('it is not EnvelopedData, i.e. not encrypted to a certificate');
  const enveloped = childrenOf(childrenOf(wrapped)[0]);
  const fields = enveloped.filter((node) => !isContext(node, 0) && !isContext(node, 1));
  const [, recipientSet, contentInfo] = fields;
  if (!isUniversal(recipientSet, Type.SET) || !isUniversal(contentInfo, Type.SEQUENCE))
    throw corrupt('its structure is incomplete');
  const recipients = childrenOf(recipientSet)
    .filter((node) => isUniversal(node, Type.SEQUENCE))
    .map(readRecipient)
    .filter((recipient): recipient is KeyTransRecipient => recipient !== undefined);
  if (recipients.length === 0)
    throw corrupt('it has no RSA recipient; encrypt it to an RSA certificate');
  const [, algorithm, content] = childrenOf(contentInfo);
  const [cipherOid, ivNode] = childrenOf(algorithm);
  const cipher = CIPHERS[oidOf(cipherOid)];
  if (!cipher) throw corrupt('its content cipher is not AES-CBC or 3DES-CBC');
  if (!isContext(content, 0)) throw corrupt('the encrypted content is missing');
  return {
    recipients,
    cipher: { ...cipher, iv: bytesOf(ivNode) },
    encryptedContent: bytesOf(content),
  };
}

/** A KeyTransRecipientInfo, or undefined for other recipient kinds (key agreement, …). */
function readRecipient(node: Asn1): KeyTransRecipient | undefined {
  const [, rid, algorithm, encryptedKey] = childrenOf(node);
  if (!rid || !algorithm || !isUniversal(encryptedKey, Type.OCTETSTRING)) return undefined;
  let id: RecipientId;
  if (isContext(rid, 0)) {
    id = { type: 'subjectKeyId', keyId: bytesOf(rid) };
  } else if (isUniversal(rid, Type.SEQUENCE)) {
    const [issuer, serial] = childrenOf(rid);
    if (!issuer) return undefined;
    id = { type: 'issuerSerial', issuerDer: derOf(issuer), serialHex: integerHex(serial) };
  } else {
    return undefined;
  }
  const transport = readTransport(algorithm);
  return transport && { id, transport, encryptedKey: bytesOf(encryptedKey) };
}

function readTransport(algorithm: Asn1): KeyTransport | undefined {
  const [oid, parameters] = childrenOf(algorithm);
  const name = oidOf(oid);
  if (name === OID.rsaEncryption) return { type: 'pkcs1v15' };
  if (name !== OID.rsaesOaep) return undefined;
  let hash = 'sha1';
  let mgfHash = 'sha1';
  let label: Buffer = Buffer.alloc(0);
  for (const field of childrenOf(parameters)) {
    const inner = childrenOf(childrenOf(field)[0]);
    if (isContext(field, 0)) hash = HASHES[oidOf(inner[0])] ?? '';
    if (isContext(field, 1))
      mgfHash = oidOf(inner[0]) === OID.mgf1 ? (HASHES[oidOf(childrenOf(inner[1])[0])] ?? '') : '';
    if (isContext(field, 2) && oidOf(inner[0]) === OID.pSpecified) label = bytesOf(inner[1]);
  }
  if (!hash || hash !== mgfHash) {
    throw corrupt(
      'its RSA-OAEP recipient uses a hash combination Tether cannot decrypt; use the same hash for OAEP and MGF1, e.g. `-keyopt rsa_oaep_md:sha256 -keyopt rsa_mgf1_md:sha256`',
    );
  }
  return { type: 'oaep', hash, label };
}
