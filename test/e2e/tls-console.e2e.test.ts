// The TLS section of the admin console (/conf/tls on the admin listener), in headless Chromium.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TlsStatus } from '@tether/protocol';
import { makeCertificate } from '@tether/server/test-certificates';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { HttpsClient } from '../support/https-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let browser: Browser | undefined;
let conf: HttpsClient;

before(async () => {
  server = await createTestServer();
  conf = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  conf.cookie = server.admin.cookie;
});
after(async () => {
  await browser?.close();
  await server.close();
});

test('the TLS section checks an upload, says agents keep connecting, then applies it', async () => {
  browser = await launchBrowser();
  const page: Page = await newConsolePage(browser, `${new URL(server.adminUrl).origin}/conf/tls`);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  const replacement = makeCertificate();
  const other = makeCertificate();
  await page.goto('/conf/tls');
  await page.getByTestId('tls-status').waitFor();
  await page.getByTestId('tls-expiry').waitFor();

  await page.getByTestId('tls-choice-pem').check();
  await page.getByTestId('tls-pem-certificate').fill(replacement.cert);
  await page.getByTestId('tls-pem-key').fill(other.key);
  await page.getByTestId('tls-check').click();
  await page.getByText(/does not belong to the certificate/).waitFor();

  await page.getByTestId('tls-pem-key').fill(replacement.key);
  await page.getByTestId('tls-check').click();
  const verdict = page.getByTestId('tls-agent-verdict');
  await verdict.waitFor();
  assert.equal(await verdict.textContent(), 'Enrolled agents keep connecting.');
  const before = (await conf.request('GET', '/conf/api/tls')).json(TlsStatus);
  assert.notEqual(
    before.certificate.fingerprint,
    replacement.fingerprint,
    'checking saves nothing',
  );

  await page.getByTestId('tls-apply').click();
  await page.getByText('Applied to new connections.').waitFor();
  // The page itself keeps working: its connection predates the change.
  assert.match((await page.getByTestId('tls-certificate').first().textContent()) ?? '', /uploaded/);
  // A client trusting the new certificate sees it as served.
  const fresh = new HttpsClient(new URL(server.adminUrl).origin, replacement.cert);
  fresh.cookie = server.admin.cookie;
  const after = (await fresh.request('GET', '/conf/api/tls')).json(TlsStatus);
  assert.equal(after.certificate.fingerprint, replacement.fingerprint);
});
