import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { toSftpCredential } from './sftp-credential.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEYS = {
  pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  openssh:
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n',
  putty: 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n',
};

function refusedWith(pattern: RegExp, secret: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_INPUT');
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes(secret), 'the message holds no secret');
    return true;
  };
}

describe('the decrypted storage credential and its authentication', () => {
  it('a private key of any form is never used as a password', () => {
    for (const [form, key] of Object.entries(KEYS)) {
      const bytes = Buffer.from(key.replace(/\n/g, '\r\n'));
      assert.throws(
        () => toSftpCredential('password', bytes),
        refusedWith(
          /is a private key, but the authentication is "password": Tether never sends a private key as a password, so nothing was sent/,
          key,
        ),
        form,
      );
      assert.ok(
        bytes.every((byte) => byte === 0),
        `${form}: the plaintext is wiped`,
      );
    }
  });

  it('a password is not taken for a private key', () => {
    assert.throws(
      () => toSftpCredential('publicKey', Buffer.from('correct horse battery staple\n')),
      refusedWith(
        /is not a private key .*so nothing was sent.* Choose password authentication/,
        'horse battery',
      ),
    );
  });

  it('a password and a key that fit their authentication pass', () => {
    assert.deepEqual(toSftpCredential('password', Buffer.from('s3cret\r\n')), {
      type: 'password',
      password: 's3cret',
    });
    const credential = toSftpCredential('publicKey', Buffer.from(KEYS.pkcs8));
    assert.ok(credential.type === 'publicKey');
    assert.match(credential.privateKey.toString(), /BEGIN RSA PRIVATE KEY/);
  });
});
