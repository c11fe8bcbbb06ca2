import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCertificate } from './test-certificates.js';
import { checkCertificatePair } from './certificate-check.js';
import { checkProtocolSettings } from './protocol-check.js';

const now = new Date();
const check = (chain: string, key: string, publicHost = 'localhost') =>
  checkCertificatePair({ chain, key }, { now, publicHost });

const authority = makeCertificate({ commonName: 'Unit CA', isCa: true });
const leaf = makeCertificate({ issuer: authority, names: ['tether.example.com'] });

test('a chain in order with its key passes, normalised, with what the administrator sees', () => {
  const checked = check(leaf.cert + authority.cert, leaf.key, 'tether.example.com');
  assert.equal(checked.summary.fingerprint, leaf.fingerprint);
  assert.equal(checked.summary.chainLength, 2);
  assert.deepEqual(checked.summary.names, ['tether.example.com']);
  assert.equal(checked.summary.selfSigned, false);
  assert.equal(checked.summary.keyType, 'rsa 2048');
  assert.ok(checked.summary.daysLeft >= 89);
  assert.deepEqual(checked.warnings, []);
  assert.match(checked.key, /^-----BEGIN PRIVATE KEY-----/);
});

test('a key of another certificate is refused without quoting the key', () => {
  const other = makeCertificate();
  assert.throws(
    () => check(leaf.cert, other.key),
    (error: Error) => /does not belong/.test(error.message) && !/PRIVATE KEY/.test(error.message),
  );
});

test('an expired or not yet valid certificate is refused with its date', () => {
  const expired = makeCertificate({
    notBefore: new Date(now.getTime() - 10 * 86_400_000),
    notAfter: new Date(now.getTime() - 60_000),
  });
  assert.throws(() => check(expired.cert, expired.key), /expired on/);
  const future = makeCertificate({ notBefore: new Date(now.getTime() + 86_400_000) });
  assert.throws(() => check(future.cert, future.key), /not valid before/);
});

test('a chain out of order names the certificates to swap', () => {
  const unrelated = makeCertificate({ commonName: 'Other CA', isCa: true });
  assert.throws(() => check(leaf.cert + unrelated.cert, leaf.key), /out of order.*Other CA/);
});

test('garbage and an encrypted key are refused with what to give instead', () => {
  assert.throws(() => check('hello', leaf.key), /No certificate found/);
  assert.throws(() => check(leaf.cert, 'not a key'), /cannot be read/);
  const encrypted =
    '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n';
  assert.throws(() => check(leaf.cert, encrypted), /encrypted/);
});

test('a public URL the certificate does not name, a near expiry and self-signing are warnings', () => {
  // Four and a half days: certificate times are whole seconds, whichever way they round.
  const soon = makeCertificate({ notAfter: new Date(now.getTime() + 4.5 * 86_400_000) });
  const checked = check(soon.cert, soon.key, 'tether.example.com');
  assert.equal(checked.warnings.length, 3);
  assert.match(checked.warnings.join('\n'), /does not name tether\.example\.com/);
  assert.match(checked.warnings.join('\n'), /expires in 4 days/);
  assert.match(checked.warnings.join('\n'), /self-signed/);
  assert.deepEqual(check(soon.cert, soon.key, '127.0.0.1').warnings.length, 2, 'IP names match');
});

test('cipher lists: known names pass, an unknown one is refused by name', () => {
  assert.deepEqual(
    checkProtocolSettings({
      minVersion: 'TLSv1.3',
      ciphers: 'TLS_AES_256_GCM_SHA384 : ECDHE-RSA-AES128-GCM-SHA256:!aNULL',
    }),
    {
      minVersion: 'TLSv1.3',
      ciphers: 'TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256:!aNULL',
    },
  );
  assert.throws(
    () =>
      checkProtocolSettings({
        minVersion: 'TLSv1.2',
        ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:RC5-ROT13',
      }),
    /Unknown cipher suite: RC5-ROT13/,
  );
  assert.throws(
    () => checkProtocolSettings({ minVersion: 'TLSv1.2', ciphers: 'AES;rm -rf' }),
    /not a cipher suite name/,
  );
});
