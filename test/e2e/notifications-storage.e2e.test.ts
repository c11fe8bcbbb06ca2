import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sealWithOpenssl } from '../../packages/server/test/support/openssl-cms.js';
import { waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server.js';
import { startStorageFixture, type StorageFixture } from '../support/storage-fixture.js';

const OPS = 'storage-ops@example.com';

let fixture: StorageFixture;
let smtp: SmtpTestServer;

before(async () => {
  [fixture, smtp] = await Promise.all([startStorageFixture(), startSmtpServer()]);
});
after(async () => {
  await fixture.close();
  await smtp.close();
});

test('a recording upload failing again and again is e-mailed to the storage recipients, once', async () => {
  const { tether } = fixture;
  const conf = new HttpsClient(new URL(tether.adminUrl).origin, tether.ca);
  conf.cookie = tether.admin.cookie;
  const saved = await conf.request('PUT', '/conf/api/notifications', {
    smtp: {
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls',
      username: smtp.username,
      password: smtp.password,
      from: 'tether@example.com',
      allowUntrustedCertificate: true,
    },
    kinds: { 'storage.failing': { enabled: true, recipients: [OPS] } },
  });
  assert.equal(saved.status, 200, saved.text);
  const credential = await sealWithOpenssl(fixture.certificate.certFile, fixture.sftp.password);
  const url = fixture.sftp.url(await fixture.sftp.folder('inbox'));
  await fixture.setStorage({
    url,
    hostKey: fixture.sftp.hostKey,
    authentication: 'password',
    credential,
  });

  await fixture.sftp.stop();
  try {
    const recordingId = await fixture.recordSession();
    const mail = await waitFor(
      'the storage.failing e-mail',
      () => smtp.mails().find((candidate) => candidate.kind === 'storage.failing'),
      120_000,
    );
    assert.deepEqual(mail.to, [OPS]);
    assert.equal(mail.subject, `[Tether] Recording uploads to ${url} keep failing`);
    assert.match(mail.body, /failed to upload .* 3 times: Cannot connect to sftp:/s);
    // Later failures of the same target within the quarter hour send nothing more.
    await fixture.waitForUpload(
      recordingId,
      'failed twice more',
      (upload) => upload.attempts >= 5,
      120_000,
    );
    assert.equal(
      smtp.mails().filter((candidate) => candidate.kind === 'storage.failing').length,
      1,
    );
  } finally {
    await fixture.sftp.start();
  }
});
