import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditPage, StorageTestResult } from '@tether/protocol';
import { sealWithOpenssl } from '../../packages/server/test/support/openssl-cms.js';
import { startStorageFixture, type StorageFixture } from '../support/storage-fixture.js';

/** Uploads are retried within seconds; the deadline is for a loaded machine. */
const WAIT_MS = 120_000;

/**
 * A least-privilege upload account: the SFTP server refuses reading, creating folders, deleting
 * and OpenSSH's posix-rename (`internal-sftp -P read,mkdir,remove,posix-rename`); the account
 * may only write and rename (plain SFTP rename) in the storage folder.
 */
describe('custom storage on a write-and-rename-only SFTP account', () => {
  let fixture: StorageFixture;
  let inbox = '';
  let storage: {
    url: string;
    hostKey: string;
    authentication: 'password';
    credential: string;
  };

  before(async () => {
    fixture = await startStorageFixture({
      sftp: { deniedRequests: ['read', 'mkdir', 'remove', 'posix-rename'] },
    });
    inbox = await fixture.sftp.folder('inbox');
    storage = {
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential: await sealWithOpenssl(fixture.certificate.certFile, fixture.sftp.password),
    };
  });
  after(() => fixture.close());

  it('Test connection passes and says uploads go into the folder itself, verified by size', async () => {
    const response = await fixture.tether.admin.request('POST', '/api/v1/storage/test', storage);
    assert.equal(response.status, 200, response.text);
    const result = response.json(StorageTestResult);
    assert.equal(result.folder, inbox, 'no month folder');
    assert.equal(result.verification, 'size');
    assert.match(result.message, /verified by size only, because the account may not read/);
    assert.match(result.message, /may not create the month folder .*went into .*inbox directly/);
    assert.match(result.message, /Delete it by hand; uploads do not need to delete files/);
    // The account may not delete, so the probe is still there, renamed from .part like a recording.
    const left = await readdir(inbox);
    assert.equal(left.length, 1, left.join(', '));
    assert.match(left[0] ?? '', /^\.tether-write-test-[0-9a-f]+$/);
    await rm(join(inbox, left[0] ?? ''));
  });

  it('a recording arrives byte-identical in the folder itself, and API and audit say it was verified by size', async () => {
    await fixture.setStorage(storage);
    const recordingId = await fixture.recordSession(50_000);
    const upload = await fixture.waitForUpload(
      recordingId,
      'done',
      (candidate) => {
        return candidate.state === 'done';
      },
      WAIT_MS,
    );
    assert.equal(upload.remotePath, join(inbox, `${recordingId}.cast`));
    assert.equal(upload.verification, 'size');
    assert.match(upload.notice ?? '', /may not create the month folder/);
    const local = await fixture.localFile(recordingId);
    assert.deepEqual(await readFile(upload.remotePath), await readFile(local));
    assert.deepEqual(
      await readFile(`${upload.remotePath}.chain`),
      await readFile(`${local}.chain`),
    );
    assert.deepEqual((await readdir(inbox)).sort(), [
      `${recordingId}.cast`,
      `${recordingId}.cast.chain`,
    ]);
    const audit = (
      await fixture.tether.admin.request('GET', '/api/v1/audit?action=upload.completed')
    ).json(AuditPage);
    const entry = audit.entries.find((candidate) => candidate.details.recordingId === recordingId);
    assert.equal(entry?.details.verification, 'size');
  });
});
