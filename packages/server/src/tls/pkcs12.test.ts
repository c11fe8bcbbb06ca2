import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSelfSignedCertificate } from '../keys/self-signed-certificate.js';
import { checkCertificatePair } from './certificate-check.js';
import { pairFromPkcs12 } from './pkcs12.js';
import { makeCertificate, makePkcs12 } from './test-certificates.js';

test('an RSA PKCS#12 file gives its chain leaf first, whatever its order', async () => {
  const authority = makeCertificate({ commonName: 'P12 CA', isCa: true });
  const leaf = makeCertificate({ issuer: authority });
  const file = makePkcs12(leaf, [authority], 'secret');
  const pair = await pairFromPkcs12(Buffer.from(file, 'base64'), 'secret');
  const checked = checkCertificatePair(pair, { now: new Date(), publicHost: 'localhost' });
  assert.equal(checked.summary.fingerprint, leaf.fingerprint);
  assert.equal(checked.summary.chainLength, 2);
});

test('an EC PKCS#12 file exported by OpenSSL 3 (AES, PBKDF2) is read', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'tether-p12-'));
  try {
    const generated = createSelfSignedCertificate({
      commonName: 'EC test',
      names: ['localhost'],
      validDays: 30,
    });
    await writeFile(join(directory, 'cert.pem'), generated.cert);
    await writeFile(join(directory, 'key.pem'), generated.key);
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      join(directory, 'cert.pem'),
      '-inkey',
      join(directory, 'key.pem'),
      '-out',
      join(directory, 'bundle.p12'),
      '-passout',
      'pass:ec-secret',
    ]);
    const file = await readFile(join(directory, 'bundle.p12'));
    const pair = await pairFromPkcs12(file, 'ec-secret');
    assert.equal(
      new X509Certificate(pair.chain).fingerprint256,
      new X509Certificate(generated.cert).fingerprint256,
    );
    await assert.rejects(pairFromPkcs12(file, 'wrong'), /Wrong passphrase/);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('a file that is not PKCS#12 is refused as such', async () => {
  await assert.rejects(pairFromPkcs12(Buffer.from('garbage'), ''), /not a readable PKCS#12/);
});
