import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { runCli, waitFor } from '../support/cli.js';
import { createTestServer, ADMIN_PASSWORD, type TestServer } from '../support/test-server.js';

let server: TestServer;
let browser: Browser;
let deviceId: string;
let agentDir: string;
let fileRoot: string;

before(async () => {
  fileRoot = await mkdtemp(join(tmpdir(), 'tether-shared-console-'));
  await writeFile(join(fileRoot, 'shared-report.txt'), 'for both of us\n');
  server = await createTestServer();
  const agent = await server.startAgent({ args: ['--file-root', fileRoot] });
  deviceId = agent.device.id;
  agentDir = agent.dataDir;
  await server.server.context.auth.createUser({
    username: 'tech',
    password: 'technician-password-1234',
    role: 'technician',
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser.close();
  await server.close();
  await rm(fileRoot, { recursive: true, force: true });
});

async function typeIn(page: Page, text: string): Promise<void> {
  await page.getByTestId('terminal').click();
  await page.keyboard.type(text);
}

const seen = (page: Page, text: string) =>
  page.getByTestId('terminal').getByText(text).first().waitFor({ timeout: 30_000 });

async function invite(
  page: Page,
  invitee: { type: 'user' | 'external'; name: string; hasControl?: boolean },
) {
  await page.getByTestId('invite-open').click();
  await page.getByTestId('invite-type').selectOption(invitee.type);
  await page.getByTestId('invite-name').fill(invitee.name);
  if (invitee.hasControl) await page.getByTestId('invite-control').click();
  await page.getByTestId('invite-submit').click();
  await page.getByTestId('invite-result').waitFor();
}

test('a technician invites a console user who joins from their invitations; the device user sees them', async () => {
  const admin = await newConsolePage(browser, server.url);
  await signIn(admin, { username: 'admin', password: ADMIN_PASSWORD });
  await admin.goto(`/devices/${deviceId}/terminal`);
  await admin.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  await typeIn(admin, 'echo "before-$((20 + 1))"\n');
  await seen(admin, 'before-21');
  await invite(admin, { type: 'user', name: 'tech' });
  assert.match(await admin.getByTestId('invite-result').innerText(), /Invited tech to watch/);

  const tech = await newConsolePage(browser, server.url);
  await signIn(tech, { username: 'tech', password: 'technician-password-1234' });
  const invitation = tech.getByTestId('invitation');
  await invitation.waitFor();
  assert.match(await invitation.innerText(), /admin invites you to watch/);
  await invitation.getByText('Join').click();
  await tech.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  await seen(tech, 'before-21');
  await typeIn(admin, 'echo "shared-$((40 + 2))"\n');
  await seen(tech, 'shared-42');

  const listed = await waitFor('the agent to list the guest', async () => {
    const result = await runCli(['agent', 'prompts', 'list', '--data-dir', agentDir]);
    return /with tech \(view only\)/.test(result.stdout) ? result.stdout : undefined;
  });
  assert.match(listed, /terminal session of admin with tech \(view only\)/);
  // The technician sees who joined, and removes them; the session goes on.
  await admin.locator('[data-testid=invited-row][data-state=joined]').waitFor();
  await admin.getByTestId('invited-withdraw').click();
  await tech.locator('[data-testid=terminal-status][data-state=ended]').waitFor();
  assert.match(await tech.getByTestId('terminal-status').innerText(), /withdrew your invitation/);
  await admin.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  await admin.getByTestId('end-session').click();
  await admin.context().close();
  await tech.context().close();
});

test('an external guest opens their one-time link, types with control, and the link then works no more', async () => {
  const admin = await newConsolePage(browser, server.url);
  await signIn(admin, { username: 'admin', password: ADMIN_PASSWORD });
  await admin.goto(`/devices/${deviceId}/terminal`);
  await admin.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  await invite(admin, { type: 'external', name: 'Vendor support', hasControl: true });
  const link = await admin.getByTestId('invite-link').innerText();
  assert.match(link, /\/join\/[A-Za-z0-9_-]{43}$/);

  const guest = await newConsolePage(browser, server.url);
  await guest.goto(link);
  await guest.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  assert.equal(new URL(guest.url()).pathname, '/join', 'the token left the address bar');
  await typeIn(guest, 'echo "vendor-$((6 * 11))"\n');
  await seen(admin, 'vendor-66');
  await seen(guest, 'vendor-66');

  const again = await newConsolePage(browser, server.url);
  await again.goto(link);
  await again.getByTestId('join-error').waitFor();
  assert.match(await again.getByTestId('join-error').innerText(), /works once/);
  await admin.getByTestId('end-session').click();
  await guest.locator('[data-testid=terminal-status][data-state=ended]').waitFor();
  for (const page of [admin, guest, again]) await page.context().close();
});

test('an invited user joins a files session from their invitations and browses the same folders', async () => {
  const admin = await newConsolePage(browser, server.url);
  await signIn(admin, { username: 'admin', password: ADMIN_PASSWORD });
  await admin.goto(`/devices/${deviceId}/files`);
  await admin.locator('[data-testid=files-status][data-state=connected]').waitFor();
  await admin.locator('[data-testid=file-row][data-name="shared-report.txt"]').waitFor();
  await invite(admin, { type: 'user', name: 'tech', hasControl: true });

  const tech = await newConsolePage(browser, server.url);
  await signIn(tech, { username: 'tech', password: 'technician-password-1234' });
  await tech.getByTestId('invitation').getByText('Join').click();
  await tech.locator('[data-testid=files-status][data-state=connected]').waitFor();
  await tech.locator('[data-testid=file-row][data-name="shared-report.txt"]').waitFor();
  await admin.getByTestId('files-end-session').click();
  await tech.locator('[data-testid=files-status][data-state=ended]').waitFor();
  await admin.context().close();
  await tech.context().close();
});
