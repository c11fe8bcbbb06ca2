import assert from 'node:assert/strict';
import { chmod, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditPage, PolicyList, RecordingList, UploadList } from '@tether/protocol';
import {
  sealWithOpenssl,
  type TestCertificate,
} from '../../packages/server/test/support/openssl-cms.js';
import { waitFor } from '../support/cli.js';
import {
  listTree,
  sealPassword,
  startStorageFixture,
  strangerCertificate,
  type SealedBy,
  type StorageFixture,
} from '../support/storage-fixture.js';
import { openTerminal } from '../support/terminal-client.js';

describe('recordings uploaded to SFTP custom storage', () => {
  let fixture: StorageFixture;
  let inbox = '';
  let stranger: TestCertificate;
  const sealed: string[] = [];

  before(async () => {
    fixture = await startStorageFixture();
    inbox = await fixture.sftp.folder('inbox');
    stranger = await strangerCertificate(inbox);
  });
  after(() => fixture.close());

  const passwordSealed = async (how: SealedBy): Promise<string> => {
    const text = await sealPassword(fixture, how);
    sealed.push(text);
    return text;
  };

  const expectUploaded = async (recordingId: string, folder = inbox): Promise<void> => {
    const upload = await fixture.waitForUpload(
      recordingId,
      'done',
      (candidate) => candidate.state === 'done',
    );
    assert.equal(upload.lastError, null);
    const month = new Date().toISOString().slice(0, 7);
    assert.equal(upload.remotePath, join(folder, month, `${recordingId}.cast`));
    assert.equal(upload.verification, 'sha256', 'verified by reading the copy back');
    assert.equal(upload.notice, null);
    const local = await fixture.localFile(recordingId);
    assert.deepEqual(
      await readFile(upload.remotePath),
      await readFile(local),
      'the uploaded recording is byte-identical',
    );
    assert.deepEqual(
      await readFile(`${upload.remotePath}.chain`),
      await readFile(`${local}.chain`),
      'so is its hash chain',
    );
  };

  it('a session recorded under the policy arrives byte-identical (password sealed by openssl cms, PKCS#1 v1.5)', async () => {
    await fixture.setStorage({
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential: await passwordSealed('v1.5'),
    });
    const recordingId = await fixture.recordSession(20_000);
    await expectUploaded(recordingId);
    const list = (await fixture.tether.admin.request('GET', '/api/v1/recordings')).json(
      RecordingList,
    );
    const listed = list.recordings.find((recording) => recording.id === recordingId);
    assert.equal(listed?.upload?.state, 'done', 'the recording list shows the upload status');
    assert.equal(listed.upload.target, fixture.sftp.url(inbox));
  });

  it('a recording is queued when it starts, so a crash before its end cannot lose the upload, and is sent once finished', async () => {
    await fixture.setStorage({
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential: await passwordSealed('oaep'),
    });
    const terminal = await openTerminal(fixture.tether.admin, fixture.deviceId);
    terminal.type('echo "queued-$((40 + 2))"\r');
    await terminal.waitForOutput(/queued-42/);
    const running = await waitFor('the running recording to be listed', async () => {
      const list = (await fixture.tether.admin.request('GET', '/api/v1/recordings')).json(
        RecordingList,
      );
      return list.recordings.find(
        (recording) =>
          recording.sessionId === terminal.session.session.id && recording.state === 'recording',
      );
    });
    assert.equal(running.upload?.state, 'pending', 'queued while the session still runs');
    await terminal.close();
    await expectUploaded(running.id);
  });

  it("works with an RSA-OAEP sealed password, the Protect-CmsMessage format and the README's openssl command (S/MIME)", async () => {
    for (const how of ['oaep', 'powershell', 'readme'] as const) {
      await fixture.setStorage({
        url: fixture.sftp.url(inbox),
        hostKey: fixture.sftp.hostKey,
        authentication: 'password',
        credential: await passwordSealed(how),
      });
      await expectUploaded(await fixture.recordSession());
    }
  });

  it('logs in with a sealed private key (PKCS#8, public-key authentication)', async () => {
    const credential = await sealWithOpenssl(
      fixture.certificate.certFile,
      fixture.sftp.privateKeyPem,
      { padding: 'oaep' },
    );
    sealed.push(credential);
    await fixture.setStorage({
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'publicKey',
      credential,
    });
    await expectUploaded(await fixture.recordSession());
  });

  it('a credential sealed to the wrong certificate fails visibly, keeps the recording, and uploads once fixed', async () => {
    const wrong = await sealWithOpenssl(stranger.certFile, fixture.sftp.password);
    await fixture.setStorage({
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential: wrong,
    });
    const recordingId = await fixture.recordSession();
    const failed = await fixture.waitForUpload(
      recordingId,
      'failed',
      (upload) => upload.state === 'failed',
    );
    assert.match(
      failed.lastError ?? '',
      /No certificate in .* matches the storage credential.*CN=Stranger/,
    );
    assert.ok(failed.nextAttemptAt, 'a next attempt is scheduled');
    await readFile(await fixture.localFile(recordingId));
    const audit = (await fixture.tether.admin.request('GET', '/api/v1/audit?limit=50')).json(
      AuditPage,
    );
    assert.ok(
      audit.entries.some(
        (entry) => entry.action === 'upload.failed' && entry.details.recordingId === recordingId,
      ),
      'the failure is in the audit log',
    );
    await fixture.setStorage({
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential: await passwordSealed('v1.5'),
    });
    await expectUploaded(recordingId);
  });

  it('a world-readable key file stops uploads with "chmod 600" until it is fixed', async () => {
    await fixture.setStorage({
      url: fixture.sftp.url(inbox),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential: await passwordSealed('v1.5'),
    });
    await chmod(fixture.certificate.keyFile, 0o644);
    let recordingId = '';
    try {
      recordingId = await fixture.recordSession();
      const failed = await fixture.waitForUpload(
        recordingId,
        'failed',
        (upload) => upload.state === 'failed',
      );
      assert.match(failed.lastError ?? '', new RegExp(`chmod 600 ${fixture.certificate.keyFile}`));
    } finally {
      await chmod(fixture.certificate.keyFile, 0o600);
    }
    const retry = await fixture.tether.admin.request(
      'POST',
      `/api/v1/uploads/${recordingId}/retry`,
    );
    assert.ok(retry.status === 200 || retry.status === 409, retry.text);
    await expectUploaded(recordingId);
  });

  it('an account without write permission fails with what to fix, and the queued recording goes there once it may write', async () => {
    const readOnly = await fixture.sftp.folder('read-only', { writable: false });
    await fixture.setStorage({
      url: fixture.sftp.url(readOnly),
      hostKey: fixture.sftp.hostKey,
      authentication: 'password',
      credential: await passwordSealed('v1.5'),
    });
    const recordingId = await fixture.recordSession();
    const failed = await fixture.waitForUpload(
      recordingId,
      'failed',
      (upload) => upload.state === 'failed',
    );
    assert.match(
      failed.lastError ?? '',
      /permission denied\. Give the upload account write access/,
    );
    assert.deepEqual(await listTree(readOnly), []);
    // The SFTP administrator gives the account write access (the folder is the account's now).
    await fixture.sftp.folder('read-only');
    await expectUploaded(recordingId, readOnly);
  });

  it('every recording is on the target exactly once, and nothing is left half-written', async () => {
    const uploads = (await fixture.tether.admin.request('GET', '/api/v1/uploads')).json(
      UploadList,
    ).uploads;
    assert.ok(uploads.length >= 8);
    assert.ok(
      uploads.every((upload) => upload.state === 'done'),
      JSON.stringify(uploads.map((u) => [u.state, u.lastError])),
    );
    const files = [...(await listTree(inbox)), ...(await listTree(join(inbox, '..', 'read-only')))];
    assert.equal(files.filter((file) => file.endsWith('.cast')).length, uploads.length);
    assert.equal(files.filter((file) => file.endsWith('.part')).length, 0);
    for (const upload of uploads)
      assert.ok(files.some((file) => file.endsWith(`${upload.recordingId}.cast`)));
  });

  it('neither the credential nor its sealed form appears in logs, API responses or the database', async () => {
    const secrets = [
      fixture.sftp.password,
      ...fixture.sftp.privateKeyPem.split('\n').filter((line) => line.length > 40),
    ];
    const sealedFragments = sealed.map((text) =>
      text
        .replace(/-----[A-Z ]+-----/g, '')
        .replace(/\s+/g, '')
        .slice(40, 100),
    );
    const api = [
      '/api/v1/recordings',
      '/api/v1/uploads',
      '/api/v1/policies',
      `/api/v1/devices/${fixture.deviceId}/effective-policy`,
      '/api/v1/audit?limit=500',
    ];
    let responses = '';
    for (const path of api) responses += (await fixture.tether.admin.request('GET', path)).text;
    assert.ok(
      PolicyList.parse(
        JSON.parse((await fixture.tether.admin.request('GET', '/api/v1/policies')).text),
      ).policies.length > 0,
    );
    const logs = fixture.logs();
    assert.ok(logs.includes('recording uploaded'), 'the upload log lines were captured');
    const dataDir = fixture.tether.dataDir;
    const database = Buffer.concat(
      await Promise.all(
        (await readdir(dataDir))
          .filter((name) => name.startsWith('tether.db'))
          .map((name) => readFile(join(dataDir, name))),
      ),
    ).toString('latin1');
    for (const secret of secrets) {
      assert.ok(!logs.includes(secret), 'no plaintext credential in the logs');
      assert.ok(!responses.includes(secret), 'no plaintext credential in API responses');
      assert.ok(!database.includes(secret), 'no plaintext credential in the database');
    }
    for (const fragment of sealedFragments) {
      assert.ok(!logs.includes(fragment), 'no sealed credential in the logs');
      assert.ok(!responses.includes(fragment), 'no sealed credential in API responses');
    }
  });
});
