import { X509Certificate, createHash, generateKeyPairSync } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { AppError, toBase64Url } from '@tether/protocol';
import { readIfExists, writeSecretFile } from './files.js';

/** What the HTTPS listeners serve. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** base64url SHA-256 of the certificate's DER: what agents see and the server signs. */
  fingerprint: string;
  selfSigned: boolean;
}

/** base64url SHA-256 of a PEM certificate's DER. */
export function certificateFingerprint(certPem: string): string {
  return toBase64Url(createHash('sha256').update(new X509Certificate(certPem).raw).digest());
}

function createSelfSigned(names: string[]): { cert: string; key: string } {
  // node:crypto makes the key fast; forge only builds and signs the X.509 structure.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  );
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 397 * 24 * 3600 * 1000);
  const subject = [{ name: 'commonName', value: `Tether server (${names[0] ?? 'localhost'})` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...names.map((value) => ({ type: 2, value })),
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

function isUsable(certPem: string): boolean {
  const cert = new X509Certificate(certPem);
  return new Date(cert.validTo).getTime() > Date.now() + 7 * 24 * 3600 * 1000;
}

/**
 * The administrator's certificate and key when configured (S-5), otherwise a self-signed pair
 * kept in `<keysDir>` and renewed a week before it expires.
 */
export async function loadTlsMaterial(options: {
  keysDir: string;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}): Promise<TlsMaterial> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) {
      throw new AppError('INVALID_INPUT', 'Set both tls.certFile and tls.keyFile, or neither.');
    }
    const cert = await readIfExists(options.certFile);
    const key = await readIfExists(options.keyFile);
    if (!cert || !key) {
      throw new AppError(
        'INVALID_INPUT',
        `TLS certificate or key not found: ${options.certFile}, ${options.keyFile}.`,
      );
    }
    return { cert, key, fingerprint: certificateFingerprint(cert), selfSigned: false };
  }
  const certPath = join(options.keysDir, 'tls-self-signed.crt');
  const keyPath = join(options.keysDir, 'tls-self-signed.key');
  const cert = await readIfExists(certPath);
  const key = await readIfExists(keyPath);
  if (cert && key && isUsable(cert)) {
    return { cert, key, fingerprint: certificateFingerprint(cert), selfSigned: true };
  }
  const fresh = createSelfSigned(['localhost', hostname()]);
  await writeSecretFile(keyPath, fresh.key);
  await writeSecretFile(certPath, fresh.cert);
  return { ...fresh, fingerprint: certificateFingerprint(fresh.cert), selfSigned: true };
}
