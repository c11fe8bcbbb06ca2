import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { AgentPackageDownloads } from '@tether/protocol';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;
let ui: SignedInConsole | undefined;
let page: Page;

before(async () => {
  ui = await signedInConsole();
  ({ server, page } = ui);
});
after(() => ui?.close());

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
