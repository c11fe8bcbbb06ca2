import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

const { asn1 } = forge;
const { Class, Type } = asn1;

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** A context-specific tag number (`[n]` in ASN.1), which forge types as its `Type` enum. */
// forge types every tag number as its universal `Type` enum, context-specific ones included.
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
const tag = (number: number): forge.asn1.Type => number;
const oid = (value: string): forge.asn1.Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(value).getBytes());
const sequence = (items: forge.asn1.Asn1[]): forge.asn1.Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
const octets = (value: forge.asn1.Asn1): forge.asn1.Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, asn1.toDer(value).getBytes());
const fromDer = (der: Buffer): forge.asn1.Asn1 =>
  asn1.fromDer(forge.util.createBuffer(der.toString('binary')));

function extension(id: string, critical: boolean, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return sequence([
    oid(id),
    ...(critical ? [asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\xff')] : []),
    octets(value),
  ]);
}

function subjectAltNames(names: string[]): forge.asn1.Asn1 {
  return sequence(
    names.map((name) => {
      const version = isIP(name);
      if (version === 0) return asn1.create(Class.CONTEXT_SPECIFIC, tag(2), false, name);
      const bytes =
        version === 4 ? Buffer.from(name.split('.').map(Number)) : Buffer.from(ipv6Bytes(name));
      return asn1.create(Class.CONTEXT_SPECIFIC, tag(7), false, bytes.toString('binary'));
    }),
  );
}

function ipv6Bytes(address: string): number[] {
  const [head = '', tail = ''] = address.split('::');
  const parts = (text: string): string[] => (text ? text.split(':') : []);
  const groups = [...parts(head)];
  const rest = parts(tail);
  while (groups.length + rest.length < 8) groups.push('0');
  return [...groups, ...rest].flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

/**
 * A self-signed ECDSA P-256 server certificate. ECDSA signs a TLS handshake about twenty times
 * faster than RSA-2048, which is what a fleet reconnecting after a restart costs the server.
 * (node-forge signs RSA certificates only, so the structure is built here and signed by
 * node:crypto.)
 *
 * @example
 * const { cert, key } = createSelfSignedCertificate({ commonName: 'Tether server', names: ['localhost', '127.0.0.1'] });
 */
export function createSelfSignedCertificate(options: {
  commonName: string;
  names: string[];
  validDays: number;
  now?: Date;
}): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = options.now ?? new Date();
  const name = sequence([
    asn1.create(Class.UNIVERSAL, Type.SET, true, [
      sequence([
        oid(OID.commonName),
        asn1.create(Class.UNIVERSAL, Type.UTF8, false, forge.util.encodeUtf8(options.commonName)),
      ]),
    ]),
  ]);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER
  const algorithm = sequence([oid(OID.ecdsaWithSha256)]);
  const tbs = sequence([
    asn1.create(Class.CONTEXT_SPECIFIC, tag(0), true, [
      asn1.create(Class.UNIVERSAL, Type.INTEGER, false, '\x02'),
    ]),
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, serial.toString('binary')),
    algorithm,
    name,
    sequence([
      asn1.create(
        Class.UNIVERSAL,
        Type.UTCTIME,
        false,
        asn1.dateToUtcTime(new Date(now.getTime() - 60_000)),
      ),
      asn1.create(
        Class.UNIVERSAL,
        Type.UTCTIME,
        false,
        asn1.dateToUtcTime(new Date(now.getTime() + options.validDays * 86_400_000)),
      ),
    ]),
    name,
    fromDer(publicKey.export({ type: 'spki', format: 'der' })),
    asn1.create(Class.CONTEXT_SPECIFIC, tag(3), true, [
      sequence([
        extension(OID.basicConstraints, true, sequence([])),
        // digitalSignature only: an ECDSA key signs handshakes, it never encrypts keys.
        extension(
          OID.keyUsage,
          true,
          asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, '\x07\x80'),
        ),
        extension(OID.extKeyUsage, false, sequence([oid(OID.serverAuth)])),
        extension(OID.subjectAltName, false, subjectAltNames(options.names)),
      ]),
    ]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, privateKey);
  const certificate = sequence([
    tbs,
    algorithm,
    asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, `\x00${signature.toString('binary')}`),
  ]);
  const der = Buffer.from(asn1.toDer(certificate).getBytes(), 'binary');
  const base64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
