import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { AuditPage, ErrorBody, ServerKeyList, type ServerKeyInfo } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { adminClient } from '../support/admin-client.js';
import { waitFor } from '../support/cli.js';
import type { HttpsClient } from '../support/https-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

// The Server keys section of the admin console (S-6) with a real enrolled agent online: rotate
// from the browser, watch the agent move to the new key, retire the old one; every change audited.

let server: TestServer;
let conf: HttpsClient;
let browser: Browser;
let page: Page;
/** The key the server started with, and the one the administrator rotates to. */
let original: ServerKeyInfo;
let fresh: ServerKeyInfo;

async function listKeys(): Promise<ServerKeyInfo[]> {
  const response = await conf.request('GET', '/conf/api/keys');
  assert.equal(response.status, 200, response.text);
  return response.json(ServerKeyList).keys;
}

/** The section's row for the key `fingerprint`. */
const rowOf = (fingerprint: string): Locator =>
  page.getByTestId('server-key-row').filter({ hasText: fingerprint });

/** Waits until the section shows `count` agents on the key `fingerprint`, by itself. */
function waitAgentsShown(fingerprint: string, count: number): Promise<true> {
  const cell = rowOf(fingerprint).getByTestId('server-key-agents');
  return waitFor(
    `the section to show ${count} agents on ${fingerprint}`,
    async () => ((await cell.textContent()) === String(count) ? true : undefined),
    120_000,
  );
}

before(async () => {
  server = await createTestServer();
  conf = adminClient(server);
  await server.startAgent();
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.adminUrl);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await page.goto(`${new URL(server.adminUrl).origin}/conf/keys`);
});
after(async () => {
  await browser.close();
  await server.close();
});

test('the section lists the current key with its fingerprint and the agent on it', async () => {
  const keys = await listKeys();
  assert.equal(keys.length, 1);
  [original] = keys as [ServerKeyInfo];
  const row = rowOf(original.fingerprint);
  await row.waitFor();
  assert.equal(await page.getByTestId('server-key-row').count(), 1);
  assert.match(await row.innerText(), /Current/);
  await waitAgentsShown(original.fingerprint, 1);
  assert.equal(
    await row.getByTestId('server-key-retire').count(),
    0,
    'no retiring the current key',
  );
});

test('rotating asks first; once confirmed the new key is current and the agent moves to it', async () => {
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByTestId('server-key-rotate').click();
  assert.equal((await listKeys()).length, 1, 'dismissing the question changes nothing');

  let question = '';
  page.once('dialog', (dialog) => {
    question = dialog.message();
    void dialog.accept();
  });
  await page.getByTestId('server-key-rotate').click();
  await page.getByText(/is now current\. 1 connected agent was handed over/).waitFor();
  assert.match(question, /Generate a new server key/);
  const keys = await listKeys();
  assert.equal(keys.length, 2);
  fresh = keys.find((key) => key.status === 'current') as ServerKeyInfo;
  assert.notEqual(fresh.fingerprint, original.fingerprint);
  assert.match(await rowOf(fresh.fingerprint).innerText(), /Current/);
  assert.match(await rowOf(original.fingerprint).innerText(), /Handing over/);

  // The agent re-pins over its live control channel; the section follows without a reload.
  await waitAgentsShown(fresh.fingerprint, 1);
  await waitAgentsShown(original.fingerprint, 0);
  assert.equal(
    await rowOf(fresh.fingerprint).getByTestId('server-key-retire').count(),
    0,
    'the new current key offers no retire',
  );
});

test('the current key cannot be retired; the old one, with no agent left, is retired', async () => {
  const refused = await conf.request('POST', `/conf/api/keys/${fresh.fingerprint}/retire`, {
    confirm: true,
  });
  assert.equal(refused.status, 409, refused.text);
  const reason = refused.json(ErrorBody);
  assert.equal(reason.code, 'CONFLICT');
  assert.match(reason.message, /current server key cannot be retired/);

  let question = '';
  page.once('dialog', (dialog) => {
    question = dialog.message();
    void dialog.accept();
  });
  await rowOf(original.fingerprint).getByTestId('server-key-retire').click();
  await page.getByText(`Key ${original.fingerprint} is retired.`).waitFor();
  assert.match(question, /Installers made with it stop working/);
  assert.doesNotMatch(question, /still on key/, 'no agent is left on it');
  // The list is fetched again after the message: wait for the row to say so.
  await rowOf(original.fingerprint).getByText('Retired').waitFor();
  const keys = await listKeys();
  assert.equal(keys.find((key) => key.fingerprint === original.fingerprint)?.status, 'retired');
  assert.equal(keys.find((key) => key.fingerprint === fresh.fingerprint)?.status, 'current');
});

test('each change is in the audit log', async () => {
  const audit = (await server.admin.request('GET', '/api/v1/audit')).json(AuditPage);
  const changes = audit.entries
    .filter((entry) => entry.target === 'server.keys')
    .map((entry) => ({ actor: entry.actor, ...entry.details }));
  assert.deepEqual(changes, [
    {
      actor: 'admin',
      change: 'retired',
      fingerprint: original.fingerprint,
      agentsStillPinned: 0,
    },
    {
      actor: 'admin',
      change: 'rotated',
      from: original.fingerprint,
      to: fresh.fingerprint,
      agentsNotified: 1,
    },
  ]);
});
