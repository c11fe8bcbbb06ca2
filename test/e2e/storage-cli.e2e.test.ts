import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  makeCertificate,
  makeCertificateFolders,
  openssl,
  type CertificateFolders,
  type TestCertificate,
} from '../../packages/server/test/support/openssl-cms.js';
import { runCli } from '../support/cli.js';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server.js';

describe('tether storage seal / test', () => {
  let root = '';
  let folders: CertificateFolders;
  let certificate: TestCertificate;
  let sftp: SftpTestServer;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tether-storage-cli-'));
    folders = await makeCertificateFolders(join(root, 'ssl'));
    certificate = await makeCertificate(folders, 'MyCompanySFTP');
    sftp = await startSftpServer();
  });
  after(async () => {
    await sftp.close();
    await rm(root, { recursive: true, force: true });
  });

  const decrypt = async (sealed: string): Promise<string> =>
    (
      await openssl(
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
      )
    ).toString('utf8');

  it('seals a password from stdin and a key file so that openssl cms -decrypt opens them', async () => {
    const password = await runCli(
      ['storage', 'seal', '--cert', certificate.certFile, '--password-stdin'],
      { input: 's3cret pass\n' },
    );
    assert.equal(password.code, 0, password.stderr);
    assert.match(password.stdout, /^-----BEGIN CMS-----\n[\s\S]+-----END CMS-----\n$/);
    assert.ok(!password.stdout.includes('s3cret'));
    assert.equal(await decrypt(password.stdout), 's3cret pass');

    const keyFile = join(root, 'id_rsa');
    await writeFile(keyFile, sftp.privateKeyPem, { mode: 0o600 });
    const key = await runCli([
      'storage',
      'seal',
      '--cert',
      certificate.certFile,
      '--key-file',
      keyFile,
    ]);
    assert.equal(key.code, 0, key.stderr);
    assert.equal(await decrypt(key.stdout), sftp.privateKeyPem);
  });

  it('refuses unclear input with what to do', async () => {
    const both = await runCli([
      'storage',
      'seal',
      '--cert',
      certificate.certFile,
      '--password-stdin',
      '--key-file',
      'x',
    ]);
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /exactly one of --password-stdin or --key-file/);
    const notCertificate = await runCli(
      ['storage', 'seal', '--cert', certificate.keyFile, '--password-stdin'],
      { input: 'x' },
    );
    assert.notEqual(notCertificate.code, 0);
    assert.match(notCertificate.stderr, /not a readable PEM X\.509 certificate/);
  });

  it('tests a storage setting from the server machine: login and write permission', async () => {
    const sealed = await runCli(
      ['storage', 'seal', '--cert', certificate.certFile, '--password-stdin'],
      { input: sftp.password },
    );
    const credentialFile = join(root, 'credential.cms');
    await writeFile(credentialFile, sealed.stdout);
    const configFile = join(root, 'config.json');
    await writeFile(configFile, JSON.stringify({ dataDir: join(root, 'data'), storage: folders }));
    const inbox = await sftp.folder('cli-inbox');
    const ok = await runCli([
      'storage',
      'test',
      '--config',
      configFile,
      '--url',
      sftp.url(inbox),
      '--host-key',
      sftp.hostKey,
      '--authentication',
      'password',
      '--credential-file',
      credentialFile,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /OK: Signed in to sftp:\/\/.* and wrote and deleted a test file in .*cli-inbox\/\d{4}-\d{2} the way uploads do \(\.part, verified by SHA-256 read-back, rename\)/,
    );
    const readOnly = await sftp.folder('cli-read-only', { writable: false });
    const refused = await runCli([
      'storage',
      'test',
      '--config',
      configFile,
      '--url',
      sftp.url(readOnly),
      '--host-key',
      sftp.hostKey,
      '--credential-file',
      credentialFile,
    ]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /permission denied\. Give the upload account write access/);
  });
});
