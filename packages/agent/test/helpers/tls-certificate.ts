import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway self-signed certificate for 127.0.0.1 and its agent-style fingerprint. */
export interface TestCertificate {
  key: string;
  cert: string;
  /** base64url SHA-256 of the DER, as the agent computes it. */
  fingerprint: string;
}

/** Makes a certificate with the `openssl` CLI (as administrators do); the temp dir is removed. */
export function makeTestCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'tether-agent-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    const der = new X509Certificate(cert).raw;
    return { key, cert, fingerprint: createHash('sha256').update(der).digest('base64url') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
