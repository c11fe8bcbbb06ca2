import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { sealWithOpenssl } from '../../packages/server/test/support/openssl-cms.js';
import { waitFor } from '../support/cli.js';
import { startStorageFixture, type StorageFixture } from '../support/storage-fixture.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';

// The console's side of custom storage: testing a setting in the policy editor, and the upload
// status of each recording.

let fixture: StorageFixture;
let inbox = '';

before(async () => {
  // Failed uploads wait ten minutes for their next attempt: only "Retry now" brings one sooner.
  fixture = await startStorageFixture({ retryBaseSec: 600, retryMaxSec: 3600 });
  inbox = await fixture.sftp.folder('inbox');
});
after(() => fixture.close());

const passwordSealed = (): Promise<string> =>
  sealWithOpenssl(fixture.certificate.certFile, `${fixture.sftp.password}\n`);

test('the policy editor tests the connection, shows the host key the server presents, and pins it', async () => {
  const credential = await passwordSealed();
  const browser = await launchBrowser();
  try {
    const page = await newConsolePage(browser, fixture.tether.url);
    await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
    await page.goto(`${fixture.tether.url}/policies/new`);
    await page.getByTestId('policy-storage-enabled').check();
    await page.getByTestId('policy-storage-url').fill(fixture.sftp.url(inbox));
    await page.getByTestId('policy-storage-credential').fill(credential);
    await page.getByTestId('policy-storage-test').click();
    const result = page.getByTestId('policy-storage-test-result');
    await result.getByText('pins none, so the credential was not sent').waitFor();
    assert.ok(
      (await result.innerText()).includes(fixture.sftp.hostKey),
      'the fingerprint is shown',
    );
    await page.getByTestId('policy-storage-pin-host-key').click();
    assert.equal(
      await page.getByTestId('policy-storage-host-key').inputValue(),
      fixture.sftp.hostKey,
    );
    await page.getByTestId('policy-storage-test').click();
    await result.getByText('wrote and deleted a test file').waitFor();
    await page.screenshot({ path: 'test-artifacts/console-storage-test.png' });
  } finally {
    await browser.close();
  }
});

test('the console recordings list shows each upload: uploaded, or failed with the reason; "Retry now" sends a fixed one at once', async () => {
  await fixture.setStorage({
    url: fixture.sftp.url(inbox),
    hostKey: fixture.sftp.hostKey,
    authentication: 'password',
    credential: await passwordSealed(),
  });
  const uploaded = { recordingId: await fixture.recordSession() };
  await fixture.waitForUpload(uploaded.recordingId, 'done', (upload) => upload.state === 'done');
  await fixture.setStorage({
    url: fixture.sftp.url(join(inbox, 'missing')),
    hostKey: fixture.sftp.hostKey,
    authentication: 'password',
    credential: await passwordSealed(),
  });
  const failedId = await fixture.recordSession();
  await fixture.waitForUpload(failedId, 'failed', (upload) => upload.state === 'failed');
  const browser = await launchBrowser();
  try {
    const page = await newConsolePage(browser, fixture.tether.url);
    await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
    await page.goto(`${fixture.tether.url}/recordings`);
    const row = (id: string) =>
      page.locator(`[data-testid=recording-row][data-recording-id="${id}"]`);
    await row(uploaded.recordingId).getByTestId('upload-status').waitFor();
    assert.equal(
      await row(uploaded.recordingId)
        .getByTestId('upload-status')
        .getAttribute('data-upload-state'),
      'done',
    );
    assert.match(await row(uploaded.recordingId).innerText(), /Uploaded/);
    assert.match(
      await row(uploaded.recordingId).getByTestId('upload-verification').innerText(),
      /Verified by SHA-256 read-back/,
    );
    const failed = row(failedId);
    const reason = await waitFor('the failed upload in the console', async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await new Promise((resolve) => setTimeout(resolve, 250));
      const error = failed.getByTestId('upload-error');
      return (await error.count()) > 0 ? await error.innerText() : undefined;
    });
    assert.match(reason, /does not exist on the SFTP server\. Create it/);
    // The SFTP administrator creates the folder; the retry goes to it (its target stays).
    await fixture.sftp.folder('inbox/missing');
    await failed.getByTestId('upload-retry').click();
    await waitFor('the retried upload to arrive', async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      const done = failed.locator('[data-testid=upload-status][data-upload-state=done]');
      return (await done.count()) > 0 ? true : undefined;
    });
  } finally {
    await browser.close();
  }
});
