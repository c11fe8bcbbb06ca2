import assert from 'node:assert/strict';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorBody } from '@tether/protocol';
import { sealLikeReadme, sealWithOpenssl } from '../../packages/server/test/support/openssl-cms.js';
import { startStorageFixture, type StorageFixture } from '../support/storage-fixture.js';

/** Uploads are retried within seconds; the deadline is for a loaded machine. */
const WAIT_MS = 120_000;

describe('sealed storage credentials as administrators make them', () => {
  let fixture: StorageFixture;
  let inbox = '';

  before(async () => {
    fixture = await startStorageFixture();
    inbox = await fixture.sftp.folder('inbox');
  });
  after(() => fixture.close());

  const expectUploaded = async (recordingId: string): Promise<void> => {
    const upload = await fixture.waitForUpload(
      recordingId,
      'done',
      (candidate) => {
        return candidate.state === 'done';
      },
      WAIT_MS,
    );
    const month = new Date().toISOString().slice(0, 7);
    assert.equal(upload.remotePath, join(inbox, month, `${recordingId}.cast`));
    assert.deepEqual(
      await readFile(upload.remotePath),
      await readFile(await fixture.localFile(recordingId)),
    );
  };

  it("a private key sealed with the README's openssl cms command (S/MIME output) logs in with public-key authentication", async () => {
    await fixture.setStorage({
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'publicKey',
      credential: await sealLikeReadme(fixture.certificate.certFile, fixture.sftp.privateKeyPem),
    });
    await expectUploaded(await fixture.recordSession());
  });

  it('a private key sealed for password login is refused at save, by Test connection and by uploads, and never reaches the SFTP server', async () => {
    const mismatched = {
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password' as const,
      credential: await sealWithOpenssl(fixture.certificate.certFile, fixture.sftp.privateKeyPem),
    };
    const mismatch =
      /is a private key, but the authentication is .*password.*: Tether never sends a private key as a password, so nothing was sent/;
    const logBefore = fixture.sftp.log().length;
    await assert.rejects(fixture.setStorage(mismatched), mismatch);
    const test = await fixture.tether.admin.request('POST', '/api/v1/storage/test', mismatched);
    assert.equal(test.status, 422, test.text);
    assert.match(test.json(ErrorBody).message, mismatch);

    // The certificate's key is installed only after the policy is saved, so the server cannot
    // open the credential at save time: the upload is where the mismatch shows.
    const keyFile = fixture.certificate.keyFile;
    await rename(keyFile, `${keyFile}.away`);
    try {
      await fixture.setStorage(mismatched);
    } finally {
      await rename(`${keyFile}.away`, keyFile);
    }
    const recordingId = await fixture.recordSession();
    const failed = await fixture.waitForUpload(
      recordingId,
      'failed',
      (upload) => upload.state === 'failed',
      WAIT_MS,
    );
    assert.match(failed.lastError ?? '', mismatch);
    const sshdLog = fixture.sftp.log().slice(logBefore);
    assert.doesNotMatch(sshdLog, /password for/, 'no password login was even tried');
    const keyLines = fixture.sftp.privateKeyPem.split('\n').filter((line) => line.length > 40);
    assert.ok(
      keyLines.every((line) => !fixture.logs().includes(line)),
      'the key is in no log line',
    );

    await fixture.setStorage({ ...mismatched, authentication: 'publicKey' });
    await expectUploaded(recordingId);
  });

  it('a password sealed for public-key login is refused at save with what to do', async () => {
    await assert.rejects(
      fixture.setStorage({
        url: fixture.sftp.url(inbox),
        hostKey: fixture.sftp.hostKey,
        authentication: 'publicKey',
        credential: await sealWithOpenssl(fixture.certificate.certFile, fixture.sftp.password),
      }),
      /is not a private key .*Choose password authentication if it is the password/,
    );
  });
});
