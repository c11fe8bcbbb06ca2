import assert from 'node:assert/strict';
import { chmod, copyFile, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import {
  makeCertificate,
  makeCertificateFolders,
  openssl,
  sealLikePowerShell,
  sealLikeReadme,
  sealWithOpenssl,
  type CertificateFolders,
  type TestCertificate,
} from '../../test/support/openssl-cms.js';
import { openSealedCredential } from './cms-decrypt.js';
import { sealCredential } from './cms-seal.js';

const PASSWORD = 'correct horse battery staple ü';

function refusedWith(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes(PASSWORD), 'the message does not reveal the secret');
    return true;
  };
}

describe('sealed storage credentials (CMS)', () => {
  let root = '';
  let folders: CertificateFolders;
  let certificate: TestCertificate;
  let stranger: TestCertificate;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tether-cms-'));
    folders = await makeCertificateFolders(join(root, 'ssl'));
    certificate = await makeCertificate(folders, 'MyCompanySFTP');
    // A certificate the server does not have: its own folders, never shown to the server.
    stranger = await makeCertificate(
      await makeCertificateFolders(join(root, 'elsewhere')),
      'Other',
    );
  });
  after(() => rm(root, { recursive: true, force: true }));

  const open = async (text: string): Promise<string> =>
    (await openSealedCredential(text, folders)).toString('utf8');

  it('opens openssl cms -encrypt output with RSA PKCS#1 v1.5 key transport', async () => {
    assert.equal(await open(await sealWithOpenssl(certificate.certFile, PASSWORD)), PASSWORD);
  });

  it('opens RSA-OAEP recipients (SHA-1 default and SHA-256)', async () => {
    for (const oaepHash of ['sha1', 'sha256'] as const) {
      const sealed = await sealWithOpenssl(certificate.certFile, PASSWORD, {
        padding: 'oaep',
        oaepHash,
      });
      assert.equal(await open(sealed), PASSWORD, oaepHash);
    }
  });

  it('finds the certificate by subject key identifier, and opens AES-128 and 3DES content', async () => {
    assert.equal(
      await open(await sealWithOpenssl(certificate.certFile, PASSWORD, { keyId: true })),
      PASSWORD,
    );
    assert.equal(
      await open(await sealWithOpenssl(certificate.certFile, PASSWORD, { cipher: 'aes128' })),
      PASSWORD,
    );
    assert.equal(
      await open(await sealWithOpenssl(certificate.certFile, PASSWORD, { cipher: 'des3' })),
      PASSWORD,
    );
  });

  it('opens the Protect-CmsMessage format (CRLF armour, content inside an OCTET STRING)', async () => {
    const sealed = await sealLikePowerShell(certificate.certFile, PASSWORD);
    assert.match(sealed, /^-----BEGIN CMS-----\r\n/);
    assert.equal(await open(sealed), PASSWORD);
  });

  it("opens the README's `openssl cms -encrypt -aes256 -recip CERT` output as it is (S/MIME)", async () => {
    const sealed = await sealLikeReadme(certificate.certFile, `${PASSWORD}\n`);
    assert.match(sealed, /^MIME-Version: 1\.0\n/);
    assert.match(sealed, /Content-Type: application\/pkcs7-mime; smime-type=enveloped-data/);
    // Text mode turns the line end into CRLF; the password itself is intact.
    assert.equal(await open(sealed), `${PASSWORD}\r\n`);
    assert.equal(await open(sealed.replace(/\n/g, '\r\n')), `${PASSWORD}\r\n`, 'CRLF copy');
    const smime = (
      await openssl(['smime', '-encrypt', '-aes256', certificate.certFile], Buffer.from(PASSWORD))
    ).toString('utf8');
    assert.match(smime, /application\/x-pkcs7-mime/);
    assert.equal(await open(smime), PASSWORD, 'openssl smime (x-pkcs7-mime) too');
  });

  it('refuses S/MIME that is not an encrypted message, saying what it is', async () => {
    const signed = (
      await openssl(
        ['cms', '-sign', '-signer', certificate.certFile, '-inkey', certificate.keyFile],
        Buffer.from('hello'),
      )
    ).toString('utf8');
    await assert.rejects(
      open(signed),
      refusedWith(/S\/MIME message .*Content-Type is "multipart\/signed"/),
    );
    await assert.rejects(
      open('MIME-Version: 1.0\nContent-Type: application/pkcs7-mime\n\nAAAA'),
      refusedWith(/Content-Transfer-Encoding is "missing", not base64/),
    );
  });

  it('opens bare Base64 without armour', async () => {
    const pem = await sealWithOpenssl(certificate.certFile, PASSWORD);
    const base64 = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    assert.equal(await open(base64), PASSWORD);
  });

  it('tether storage seal output opens here and with openssl cms -decrypt', async () => {
    const { readFile } = await import('node:fs/promises');
    const sealed = sealCredential(
      await readFile(certificate.certFile, 'utf8'),
      Buffer.from(PASSWORD),
    );
    assert.equal(await open(sealed), PASSWORD);
    const decrypted = await openssl(
      [
        'cms',
        '-decrypt',
        '-inform',
        'PEM',
        '-recip',
        certificate.certFile,
        '-inkey',
        certificate.keyFile,
      ],
      Buffer.from(sealed),
    );
    assert.equal(decrypted.toString('utf8'), PASSWORD);
  });

  it('refuses a message sealed to a certificate that is not in the folder, naming it', async () => {
    await assert.rejects(
      open(await sealWithOpenssl(stranger.certFile, PASSWORD)),
      refusedWith(/No certificate in .*certs matches .*CN=Other.*seal the credential again/),
    );
  });

  it('refuses a corrupted or truncated message with what to do', async () => {
    const sealed = await sealWithOpenssl(certificate.certFile, PASSWORD);
    const lines = sealed.split('\n');
    const truncated = [...lines.slice(0, 3), ...lines.slice(-2)].join('\n');
    await assert.rejects(
      open(truncated),
      refusedWith(/not a usable CMS message .*Seal the password or key again/),
    );
    await assert.rejects(open('hunter2!'), refusedWith(/not a CMS message/));
    await assert.rejects(open('hunter2'), refusedWith(/not a usable CMS message/));
    await assert.rejects(
      open('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
      refusedWith(/PEM "CERTIFICATE" block, not a CMS message/),
    );
    // Flip a byte inside the encrypted content: the content no longer decrypts.
    const der = Buffer.from(sealed.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    der[der.length - 3] = (der[der.length - 3] ?? 0) ^ 0xff;
    await assert.rejects(
      open(der.toString('base64')),
      refusedWith(/cannot be decrypted .*damaged/),
    );
  });

  it('refuses a private key readable by group or others, saying chmod 600', async () => {
    const sealed = await sealWithOpenssl(certificate.certFile, PASSWORD);
    await chmod(certificate.keyFile, 0o644);
    try {
      await assert.rejects(
        open(sealed),
        refusedWith(new RegExp(`chmod 600 ${certificate.keyFile}`)),
      );
    } finally {
      await chmod(certificate.keyFile, 0o600);
    }
    assert.equal(await open(sealed), PASSWORD);
  });

  it('says which key file is missing, and refuses a key that does not belong to the certificate', async () => {
    const sealed = await sealWithOpenssl(certificate.certFile, PASSWORD);
    const saved = join(root, 'saved.key');
    await copyFile(certificate.keyFile, saved);
    await unlink(certificate.keyFile);
    try {
      await assert.rejects(
        open(sealed),
        refusedWith(/no private key for it: expected .*MyCompanySFTP\.key/),
      );
      await copyFile(stranger.keyFile, certificate.keyFile);
      await chmod(certificate.keyFile, 0o600);
      await assert.rejects(open(sealed), refusedWith(/is not the private key of/));
    } finally {
      await copyFile(saved, certificate.keyFile);
      await chmod(certificate.keyFile, 0o600);
    }
  });
});
