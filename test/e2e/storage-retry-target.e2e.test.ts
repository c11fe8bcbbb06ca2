import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sealWithOpenssl } from '../../packages/server/test/support/openssl-cms.js';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server.js';
import { startStorageFixture, type StorageFixture } from '../support/storage-fixture.js';

/** Uploads are retried within seconds; the deadline is for a loaded machine. */
const WAIT_MS = 120_000;

let fixture: StorageFixture;
let second: SftpTestServer;

before(async () => {
  fixture = await startStorageFixture();
  second = await startSftpServer();
});
after(async () => {
  await fixture.close();
  await second.close();
});

async function filesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

test('a recording goes to the target of the policy in force when it was recorded, even after the policy moved to another target', async () => {
  const credential = await sealWithOpenssl(fixture.certificate.certFile, fixture.sftp.password);
  const targetOne = await fixture.sftp.folder('target-one');
  const targetTwo = await second.folder('target-two');
  const urlOne = fixture.sftp.url(targetOne);
  await fixture.setStorage({
    url: urlOne,
    hostKey: fixture.sftp.hostKey,
    authentication: 'password',
    credential,
  });

  await fixture.sftp.stop();
  let recordingId = '';
  let movedId = '';
  try {
    recordingId = await fixture.recordSession();
    const failed = await fixture.waitForUpload(
      recordingId,
      'failed',
      (upload) => {
        return upload.state === 'failed';
      },
      WAIT_MS,
    );
    assert.match(failed.lastError ?? '', /Cannot connect to sftp:/);

    // The policy now sends recordings to another server; the waiting one keeps its target.
    await fixture.setStorage({
      url: second.url(targetTwo),
      hostKey: second.hostKey,
      authentication: 'password',
      credential,
    });
    movedId = await fixture.recordSession();
    await fixture.waitForUpload(movedId, 'done', (upload) => upload.state === 'done', WAIT_MS);
    const retried = await fixture.waitForUpload(
      recordingId,
      'retried after the policy changed',
      (upload) => upload.state === 'failed' && upload.attempts >= failed.attempts + 2,
      WAIT_MS,
    );
    assert.equal(retried.target, urlOne);
    assert.match(retried.lastError ?? '', /Cannot connect to sftp:\/\/.*target-one/);
  } finally {
    await fixture.sftp.start();
  }

  const upload = await fixture.waitForUpload(
    recordingId,
    'done',
    (candidate) => {
      return candidate.state === 'done';
    },
    WAIT_MS,
  );
  const month = new Date().toISOString().slice(0, 7);
  assert.equal(upload.target, urlOne);
  assert.equal(upload.remotePath, join(targetOne, month, `${recordingId}.cast`));
  assert.deepEqual(
    await readFile(upload.remotePath),
    await readFile(await fixture.localFile(recordingId)),
  );
  assert.deepEqual(
    (await filesIn(targetTwo)).sort(),
    [`${movedId}.cast`, `${movedId}.cast.chain`],
    'the second target has only the recording made under the new policy',
  );
  assert.deepEqual((await filesIn(targetOne)).sort(), [
    `${recordingId}.cast`,
    `${recordingId}.cast.chain`,
  ]);
});
