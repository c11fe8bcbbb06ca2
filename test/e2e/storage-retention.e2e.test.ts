import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AuditPage, ErrorBody } from '@tether/protocol';
import { sealWithOpenssl } from '../../packages/server/test/support/openssl-cms.js';
import { waitFor } from '../support/cli.js';
import { startStorageFixture, type StorageFixture } from '../support/storage-fixture.js';

let fixture: StorageFixture;
let inbox = '';

before(async () => {
  fixture = await startStorageFixture({ keepLocalDays: 0 });
  inbox = await fixture.sftp.folder('inbox');
});
after(() => fixture.close());

const content = (recordingId: string) =>
  fixture.tether.admin.request('GET', `/api/v1/recordings/${recordingId}/content`);

test('once the target confirmed a recording, its local copy is removed after the retention period, and only then', async () => {
  const credential = await sealWithOpenssl(
    fixture.certificate.certFile,
    `${fixture.sftp.password}\n`,
  );
  const storage = {
    hostKey: fixture.sftp.hostKey,
    authentication: 'password' as const,
    credential,
  };

  // An upload that fails keeps its local copy, whatever the retention.
  await fixture.setStorage({ ...storage, url: fixture.sftp.url(join(inbox, 'missing')) });
  const failedId = await fixture.recordSession();
  await fixture.waitForUpload(failedId, 'failed', (upload) => upload.state === 'failed');
  assert.equal((await content(failedId)).status, 200, 'the local copy of a failed upload stays');

  await fixture.setStorage({ ...storage, url: fixture.sftp.url(inbox) });
  const recordingId = await fixture.recordSession();
  const local = (await content(recordingId)).text;
  const upload = await fixture.waitForUpload(
    recordingId,
    'done',
    (candidate) => candidate.state === 'done',
  );
  const gone = await waitFor('the local copy to be removed', async () => {
    const response = await content(recordingId);
    return response.status === 404 ? response : undefined;
  });
  assert.match(
    gone.json(ErrorBody).message,
    /uploaded to sftp:.*local copy removed after the retention period/,
  );
  assert.equal(
    await readFile(upload.remotePath ?? '', 'utf8'),
    local,
    'the target still has it, byte-identical',
  );
  // The audit entry is written once the copy is gone: wait for it rather than race it.
  await waitFor('the removal to be audited', async () => {
    const audit = (
      await fixture.tether.admin.request('GET', '/api/v1/audit?action=recording.local_removed')
    ).json(AuditPage);
    return audit.entries.some((entry) => entry.details.recordingId === recordingId)
      ? true
      : undefined;
  });
  // The failed upload keeps its target (the missing folder), so it stays failed, and so does
  // its local copy, whatever the retention.
  const stillFailed = await fixture.waitForUpload(failedId, 'known', () => true);
  assert.notEqual(stillFailed.state, 'done');
  assert.equal(stillFailed.target, fixture.sftp.url(join(inbox, 'missing')));
  assert.equal((await content(failedId)).status, 200, 'the failed one is kept');
});
