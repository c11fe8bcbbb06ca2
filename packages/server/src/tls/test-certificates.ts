import { X509Certificate, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A certificate made for a test, with its key (PEM) and the forge objects to sign others. */
export interface TestCertificate {
  cert: string;
  key: string;
  /** base64url SHA-256 of the DER, as the server and agents compute it. */
  fingerprint: string;
  forgeCert: forge.pki.Certificate;
  forgeKey: forge.pki.rsa.PrivateKey;
}

/**
 * For tests only (`@tether/server/test-certificates`), never imported by the server.
 *
 * An RSA certificate with chosen names, validity and issuer (a CA of this module or itself):
 * what an administrator would upload. node:crypto makes the key (forge's is slow).
 */
export function makeCertificate(
  options: {
    commonName?: string;
    names?: string[];
    notBefore?: Date;
    notAfter?: Date;
    issuer?: TestCertificate;
    isCa?: boolean;
  } = {},
): TestCertificate {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  certificate.serialNumber = `01${randomBytes(8).toString('hex')}`;
  certificate.validity.notBefore = options.notBefore ?? new Date(Date.now() - 3600_000);
  certificate.validity.notAfter = options.notAfter ?? new Date(Date.now() + 90 * 86_400_000);
  const subject = [{ name: 'commonName', value: options.commonName ?? 'localhost' }];
  certificate.setSubject(subject);
  certificate.setIssuer(options.issuer ? options.issuer.forgeCert.subject.attributes : subject);
  const names = options.names ?? ['localhost', '127.0.0.1'];
  certificate.setExtensions([
    { name: 'basicConstraints', cA: options.isCa ?? false },
    ...(options.isCa
      ? [{ name: 'keyUsage', keyCertSign: true, cRLSign: true }]
      : [
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: names.map((name) =>
              isIP(name) ? { type: 7, ip: name } : { type: 2, value: name },
            ),
          },
        ]),
  ]);
  certificate.sign(options.issuer?.forgeKey ?? forgeKey, forge.md.sha256.create());
  const cert = forge.pki.certificateToPem(certificate);
  return {
    cert,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: createHash('sha256').update(new X509Certificate(cert).raw).digest('base64url'),
    forgeCert: certificate,
    forgeKey,
  };
}

/** A PKCS#12 file (base64) holding a key and its chain, as exported by a certificate tool. */
export function makePkcs12(
  leaf: TestCertificate,
  chain: readonly TestCertificate[],
  passphrase: string,
): string {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    leaf.forgeKey,
    [leaf.forgeCert, ...chain.map((certificate) => certificate.forgeCert)],
    passphrase,
    { algorithm: 'aes256' },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary').toString('base64');
}
