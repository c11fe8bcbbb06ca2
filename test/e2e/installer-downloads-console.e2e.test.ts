import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AgentPackageDownloads } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let browser: Browser;
let page: Page;

before(async () => {
  server = await createTestServer();
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await server.close();
});

test(
  'an installer shows its one-liner, its packages with sizes, and the loopback warning',
  { timeout: 300_000 },
  async () => {
    const { installer } = await server.createInstaller();
    await page.goto(`${server.url}/installers`);
    await page
      .locator(`[data-testid="installer-downloads-open"][data-installer="${installer.id}"]`)
      .click();
    const panel = page.locator(
      `[data-testid="installer-downloads"][data-installer="${installer.id}"]`,
    );
    // The first package assembles the agent build: seconds on a loaded machine.
    await panel.getByTestId('installer-one-liner').waitFor({ timeout: 240_000 });
    const expected = (
      await server.admin.request('GET', `/api/v1/installers/${installer.id}/downloads`)
    ).json(AgentPackageDownloads);
    assert.equal(await panel.getByTestId('installer-one-liner').innerText(), expected.oneLiner);
    assert.match(
      await panel.getByTestId('installer-downloads-warning').innerText(),
      /loopback address/,
    );
    for (const file of ['tether-agent.run', 'tether-agent.deb', 'tether-agent.tar.gz']) {
      const link = panel.getByTestId(`download-${file}`);
      assert.equal(
        await link.getAttribute('href'),
        expected.files.find((entry) => entry.file === file)?.url,
      );
    }
    assert.match(
      await panel.getByTestId('installer-download-files').innerText(),
      /tether-agent\.run\s+\d+(\.\d+)? MiB/,
    );
  },
);
