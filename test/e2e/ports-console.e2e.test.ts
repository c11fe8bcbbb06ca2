import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AuditPage, PortsStatus } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { HttpsClient } from '../support/https-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let blocker: Server;
let blockedPort: number;
let conf: HttpsClient;
let browser: Browser;
let page: Page;

before(async () => {
  // Another program holds the port the HTTP listener asks for.
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = blocker.address();
  assert.ok(address && typeof address === 'object');
  blockedPort = address.port;
  server = await createTestServer({ config: { http: { host: '127.0.0.1', port: blockedPort } } });
  conf = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  conf.cookie = server.admin.cookie;
  browser = await launchBrowser();
  // The session cookie is the host's, whatever the port: signing in on the console signs in here.
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await page.goto(`${new URL(server.adminUrl).origin}/conf/ports`);
});
after(async () => {
  await browser.close();
  await server.close();
  await new Promise((resolve) => blocker.close(resolve));
});

test('the Ports section shows each listener, the one that failed with its reason', async () => {
  const http = page.getByTestId('ports-listener-http');
  await http.waitFor();
  assert.match(await http.innerText(), /Not listening: the port is already in use/);
  assert.match(await page.getByTestId('ports-listener-https').innerText(), /Listening on \d+/);
});

test('a clash is refused with the reason and nothing is saved; valid ports are saved and audited', async () => {
  await page.getByTestId('ports-https').fill('9443');
  await page.getByTestId('ports-http').fill('9443');
  await page.getByTestId('ports-admin').fill('9615');
  await page.getByTestId('ports-save').click();
  await page.getByText('already the https port').waitFor();
  assert.equal((await conf.request('GET', '/conf/api/ports')).json(PortsStatus).saved, null);

  await page.getByTestId('ports-http').fill('');
  await page.getByTestId('ports-save').click();
  await page.getByTestId('ports-restart').waitFor();
  const status = (await conf.request('GET', '/conf/api/ports')).json(PortsStatus);
  assert.deepEqual(status.saved, { https: 9443, http: null, admin: 9615 });
  const audit = (await server.admin.request('GET', '/api/v1/audit')).json(AuditPage);
  assert.ok(audit.entries.some((entry) => entry.target === 'server.ports'));
});
