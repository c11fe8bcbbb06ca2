import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorBody, StorageTestResult } from '@tether/protocol';
import {
  sealWithOpenssl,
  type TestCertificate,
} from '../../packages/server/test/support/openssl-cms.js';
import {
  listTree,
  sealPassword,
  startStorageFixture,
  strangerCertificate,
  type StorageFixture,
} from '../support/storage-fixture.js';

// Checking a storage target before saving it (the console's and the CLI's "Test connection"):
// apart from storage.e2e.test.ts, whose uploads share one server and count on each other.
describe('testing an SFTP custom storage target', () => {
  let fixture: StorageFixture;
  let inbox = '';
  let stranger: TestCertificate;
  /** The credential the test-connection test sealed, looked for in the logs afterwards. */
  let sealed = '';

  before(async () => {
    fixture = await startStorageFixture();
    inbox = await fixture.sftp.folder('inbox');
    stranger = await strangerCertificate(inbox);
  });
  after(() => fixture.close());

  it('the test-connection API signs in and checks write permission without leaving files', async () => {
    const credential = await sealPassword(fixture, 'v1.5');
    sealed = credential;
    const before = await listTree(inbox);
    const ok = await fixture.tether.admin.request('POST', '/api/v1/storage/test', {
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential,
    });
    assert.equal(ok.status, 200, ok.text);
    const result = ok.json(StorageTestResult);
    assert.equal(result.target, fixture.sftp.url(inbox));
    assert.equal(result.folder, join(inbox, new Date().toISOString().slice(0, 7)));
    assert.equal(result.verification, 'sha256');
    assert.deepEqual(result.notices, []);
    assert.match(result.message, /wrote and deleted a test file .*verified by SHA-256 read-back/);
    assert.deepEqual(await listTree(inbox), before, 'no file is left behind');

    const refusals: [string, object, RegExp][] = [
      [
        'wrong certificate',
        { credential: await sealWithOpenssl(stranger.certFile, 'x') },
        /No certificate in .* matches/,
      ],
      [
        'truncated CMS',
        { credential: [...credential.split('\n').slice(0, 4), '-----END CMS-----'].join('\n') },
        /not a usable CMS message .*Seal the password or key again/,
      ],
      [
        'no write permission',
        { url: fixture.sftp.url(await fixture.sftp.folder('read-only-2', { writable: false })) },
        /permission denied/,
      ],
      [
        'wrong password',
        { credential: await sealWithOpenssl(fixture.certificate.certFile, 'not the password') },
        /refused the login with the sealed password/,
      ],
      [
        'missing folder',
        { url: fixture.sftp.url(join(inbox, 'nope')) },
        /does not exist .* Create it/,
      ],
      [
        'host key not pinned',
        { hostKey: undefined },
        new RegExp(
          `presented the host key ${escapeRegExp(fixture.sftp.hostKey)}.*pins none, so the credential was not sent`,
        ),
      ],
      [
        'a private key sealed for password login',
        {
          credential: await sealWithOpenssl(
            fixture.certificate.certFile,
            fixture.sftp.privateKeyPem,
          ),
        },
        /is a private key, but the authentication is "password": Tether never sends a private key/,
      ],
      [
        'a password sealed for public-key login',
        { authentication: 'publicKey' },
        /is not a private key .* so nothing was sent/,
      ],
      [
        'another host key pinned',
        { hostKey: `SHA256:${'A'.repeat(43)}` },
        /not the pinned SHA256:A+, so the credential was not sent/,
      ],
    ];
    for (const [what, change, message] of refusals) {
      const response = await fixture.tether.admin.request('POST', '/api/v1/storage/test', {
        url: fixture.sftp.url(inbox),
        hostKey: fixture.sftp.hostKey,
        authentication: 'password',
        credential,
        ...change,
      });
      assert.ok(response.status >= 400, `${what}: ${response.text}`);
      assert.match(response.json(ErrorBody).message, message, what);
    }
    await chmod(fixture.certificate.keyFile, 0o640);
    try {
      const response = await fixture.tether.admin.request('POST', '/api/v1/storage/test', {
        url: fixture.sftp.url(inbox),
        hostKey: fixture.sftp.hostKey,
        authentication: 'password',
        credential,
      });
      assert.match(response.json(ErrorBody).message, /chmod 600/);
    } finally {
      await chmod(fixture.certificate.keyFile, 0o600);
    }
  });

  it('neither the tested credential nor its sealed form appears in the logs', () => {
    const logs = fixture.logs();
    assert.ok(logs.includes('storage.tested'), 'the tests were logged (as audit events)');
    const secrets = [
      fixture.sftp.password,
      ...fixture.sftp.privateKeyPem.split('\n').filter((line) => line.length > 40),
    ];
    for (const secret of secrets) assert.ok(!logs.includes(secret), 'no plaintext credential');
    const fragment = sealed
      .replace(/-----[A-Z ]+-----/g, '')
      .replace(/\s+/g, '')
      .slice(40, 100);
    assert.ok(!logs.includes(fragment), 'no sealed credential in the logs');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
