// The admin console's Public address section at /conf/public-url on the admin listener.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { PublicUrlSettings } from '@tether/protocol';
import { adminClient } from '../support/admin-client.js';
import type { HttpsClient } from '../support/https-client.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;
let conf: HttpsClient;
let ui: SignedInConsole | undefined;
let page: Page;

const saved = async (): Promise<PublicUrlSettings> =>
  (await conf.request('GET', '/conf/api/public-url')).json(PublicUrlSettings);

before(async () => {
  ui = await signedInConsole({
    listener: 'admin',
    path: '/conf/public-url',
    ready: 'public-url-form',
  });
  ({ server, page } = ui);
  conf = adminClient(server);
});
after(() => ui?.close());

test('the section shows the detected address and warns that localhost is this machine only', async () => {
  const port = new URL(server.url).port;
  assert.equal(
    await page.getByTestId('public-url-effective').textContent(),
    `https://localhost:${port}`,
  );
  assert.match((await page.getByTestId('public-url-source').textContent()) ?? '', /detected/);
  await page.getByText('localhost is this machine only').waitFor();
});

test('a bad address is refused with the reason and nothing changes', async () => {
  await page.getByTestId('public-url-input').fill('http://support.example.com');
  await page.getByTestId('public-url-save').click();
  await page.getByRole('alert').getByText('must start with https://').waitFor();
  assert.equal((await saved()).saved, null);
});

test('an address saved here is in use at once; clearing it goes back to the detected one', async () => {
  await page.getByTestId('public-url-input').fill('https://support.example.com:8443/');
  await page.getByTestId('public-url-save').click();
  await page
    .getByText('New installers and agent packages use https://support.example.com:8443')
    .waitFor();
  assert.equal(
    await page.getByTestId('public-url-effective').textContent(),
    'https://support.example.com:8443',
  );
  assert.equal(
    await page.getByTestId('public-url-input').inputValue(),
    'https://support.example.com:8443',
  );
  assert.equal((await saved()).source, 'saved');

  await page.getByTestId('public-url-clear').click();
  await page.getByTestId('public-url-source').getByText('detected').waitFor();
  assert.equal(await page.getByTestId('public-url-input').inputValue(), '');
  assert.equal((await saved()).saved, null);
});
