import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { AuditPage } from '@tether/protocol';
import { sealWithOpenssl } from '../../packages/server/test/support/openssl-cms.js';
import { listTree, startStorageFixture, type StorageFixture } from '../support/storage-fixture.js';
import { startTcpCutter, type TcpCutter } from '../support/tcp-cutter.js';

describe('uploads survive a failing SFTP target', () => {
  let fixture: StorageFixture;
  let cutter: TcpCutter;
  let credential = '';

  before(async () => {
    fixture = await startStorageFixture();
    cutter = await startTcpCutter(fixture.sftp.port);
    credential = await sealWithOpenssl(fixture.certificate.certFile, fixture.sftp.password);
  });
  after(async () => {
    await cutter.close();
    await fixture.close();
  });

  /** Waits until done, then checks the copy is identical and alone (no duplicate, no .part). */
  const expectExactlyOnce = async (recordingId: string, folder: string): Promise<number> => {
    const upload = await fixture.waitForUpload(
      recordingId,
      'done',
      (candidate) => candidate.state === 'done',
      60_000,
    );
    const local = await readFile(await fixture.localFile(recordingId));
    assert.ok(upload.remotePath);
    assert.deepEqual(await readFile(upload.remotePath), local, 'the copy is byte-identical');
    const files = await listTree(folder);
    assert.deepEqual(
      files.filter((file) => file.includes(recordingId)).map((file) => file.slice(8)),
      [`${recordingId}.cast`, `${recordingId}.cast.chain`],
    );
    assert.deepEqual(
      files.filter((file) => file.endsWith('.part')),
      [],
    );
    return upload.attempts;
  };

  const failureAudited = async (recordingId: string, reason: RegExp): Promise<void> => {
    const audit = (await fixture.tether.admin.request('GET', '/api/v1/audit?limit=200')).json(
      AuditPage,
    );
    const failures = audit.entries.filter(
      (entry) => entry.action === 'upload.failed' && entry.details.recordingId === recordingId,
    );
    assert.ok(
      failures.some((entry) => reason.test(String(entry.details.reason))),
      JSON.stringify(failures.map((entry) => entry.details.reason)),
    );
  };

  it('the SFTP server is down for a while: the upload fails, is retried with backoff, and arrives once it is back', async () => {
    const inbox = await fixture.sftp.folder('down');
    await fixture.setStorage({
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential,
    });
    await fixture.sftp.stop();
    let recordingId = '';
    try {
      recordingId = await fixture.recordSession();
      const failed = await fixture.waitForUpload(
        recordingId,
        'failed twice',
        (upload) => upload.state === 'failed' && upload.attempts >= 2,
      );
      assert.match(
        failed.lastError ?? '',
        /Cannot connect to sftp:\/\/.*Check the host and port, and that the SFTP server is running/,
      );
    } finally {
      await fixture.sftp.start();
    }
    assert.ok((await expectExactlyOnce(recordingId, inbox)) >= 3);
    await failureAudited(recordingId, /Cannot connect/);
  });

  it('the connection is cut mid-upload: the partial copy never counts, the retry completes it', async () => {
    const inbox = await fixture.sftp.folder('cut');
    await fixture.setStorage({
      url: fixture.sftp.url(inbox, cutter.port),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential,
    });
    const cut = cutter.cutAfter(150_000);
    const recordingId = await fixture.recordSession(400_000);
    await cut;
    assert.ok((await expectExactlyOnce(recordingId, inbox)) >= 2, 'it took another attempt');
    await failureAudited(recordingId, /connection to the SFTP server was lost|closed/);
  });

  it('the target disk is full: the upload fails saying so, leaves no partial file, and completes once space is freed', async () => {
    const inbox = await fixture.sftp.folder('full', { tmpfsBytes: 64 * 1024 });
    await fixture.setStorage({
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential,
    });
    const recordingId = await fixture.recordSession(300_000);
    const failed = await fixture.waitForUpload(
      recordingId,
      'failed',
      (upload) => upload.state === 'failed',
    );
    assert.match(failed.lastError ?? '', /disk may be full or a quota reached/);
    assert.deepEqual(
      (await listTree(inbox)).filter((file) => file.endsWith('.cast') || file.endsWith('.part')),
      [],
    );
    await readFile(await fixture.localFile(recordingId));
    await fixture.sftp.resizeTmpfs(inbox, 16 * 1024 * 1024);
    await expectExactlyOnce(recordingId, inbox);
  });
});
