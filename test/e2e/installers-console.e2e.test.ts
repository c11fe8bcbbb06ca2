import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  EnrollResponse,
  ExtendInstallerResponse,
  InstallerList,
  TETHER_VERSION,
  type Installer,
} from '@tether/protocol';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let server: TestServer;
let ui: SignedInConsole | undefined;
let page: Page;

before(async () => {
  ui = await signedInConsole();
  ({ server, page } = ui);
  await ensureDeviceGroup(server.admin, 'Servers');
  const policy = await server.admin.request('POST', '/api/v1/policies', { name: 'Recorded' });
  assert.equal(policy.status, 201, policy.text);
  page.on('dialog', (dialog) => void dialog.accept());
  await mkdir(ARTIFACTS, { recursive: true });
});
after(() => ui?.close());

async function installers(): Promise<Installer[]> {
  return (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList).installers;
}

test('an administrator creates an installer with attributes and override boxes, extends it, sees its device, and deletes it', async () => {
  await page.getByRole('link', { name: 'Installers' }).click();
  const picker = page.getByTestId('installer-group');
  await picker.locator('option', { hasText: 'Servers' }).waitFor({ state: 'attached' });
  await picker.selectOption('Servers');
  await page.getByTestId('installer-validity').selectOption({ label: '1 hour' });
  await page.getByTestId('installer-comments').fill('Front desk');
  await page.getByTestId('installer-tag').fill('web');
  await page.getByTestId('installer-jumpPolicy').fill('recorded');
  await page.getByTestId('installer-maxOfflineMinutes').fill('5');
  await page.getByTestId('installer-mode').selectOption('user');
  await page.getByTestId('installer-override-tag').check();
  await page.getByTestId('installer-override-group').check();
  await page.screenshot({ path: `${ARTIFACTS}console-installer-form.png`, fullPage: true });
  await page.getByTestId('installer-create').click();
  const created = page.getByTestId('created-installer');
  await created.getByText('Servers').waitFor();
  assert.equal(
    await page.getByTestId('enroll-command').isVisible(),
    false,
    'hand enrolment is folded',
  );
  await page.screenshot({ path: `${ARTIFACTS}console-installer-created.png` });

  const [installer] = await installers();
  assert.ok(installer);
  assert.deepEqual(
    {
      comments: installer.attributes?.comments,
      tag: installer.attributes?.tag,
      jumpPolicy: installer.attributes?.jumpPolicy,
      maxOfflineMinutes: installer.attributes?.maxOfflineMinutes,
      mode: installer.attributes?.mode,
      overridable: [...(installer.overridable ?? [])].sort(),
    },
    {
      comments: 'Front desk',
      tag: 'web',
      jumpPolicy: 'Recorded',
      maxOfflineMinutes: 5,
      mode: 'user',
      overridable: ['group', 'tag'],
    },
  );
  await created.getByRole('button', { name: 'Done' }).click();

  const row = page.locator(`[data-testid="installer-row"][data-installer-id="${installer.id}"]`);
  assert.match(await row.getByTestId('installer-attributes').innerText(), /tag web.*Recorded/s);
  assert.match(await row.getByTestId('installer-overridable').innerText(), /tag/);
  await page.getByTestId('installer-downloads-row').first().waitFor({ state: 'attached' });

  await row.getByTestId('installer-extend-validity').selectOption({ label: '7 days' });
  await row.getByTestId('installer-extend').click();
  await page.getByTestId('installer-extended').waitFor();
  const extended = (await installers()).find((each) => each.id === installer.id);
  const days = (Date.parse(extended?.expiresAt ?? '') - Date.now()) / 86_400_000;
  assert.ok(days > 6.9, `extended by 7 days, not ${days}`);

  // A device installed with it, its tag overridden at install time (allowed).
  const { token } = (
    await server.admin.request('POST', `/api/v1/installers/${installer.id}/extend`, {
      validForSec: 7 * 86400,
    })
  ).json(ExtendInstallerResponse);
  const enrolled = await server.client().request('POST', '/api/v1/agent/enroll', {
    token,
    publicKey: generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '',
    inventory: {
      hostname: 'desk-1',
      os: { platform: 'linux', release: '6', name: 'Debian', arch: 'x64' },
      agentVersion: TETHER_VERSION,
    },
    overrides: { tag: 'lobby' },
  });
  assert.equal(enrolled.status, 200, enrolled.text);
  const deviceId = enrolled.json(EnrollResponse).deviceId;
  await page.goto(`${server.url}/devices/${deviceId}`);
  await page.getByTestId('device-tags').getByText('lobby').waitFor();
  assert.equal(await page.getByTestId('device-comments').innerText(), 'Front desk');
  assert.match(await page.getByTestId('device-install').innerText(), /User mode.*5 minutes/);
  await page.screenshot({ path: `${ARTIFACTS}console-device-installed.png` });

  await page.getByRole('link', { name: 'Installers' }).click();
  await row.getByTestId('installer-installs').getByText('1').waitFor();
  await row.getByTestId('installer-revoke').click();
  await page
    .locator(
      `[data-testid="installer-row"][data-installer-id="${installer.id}"][data-status="revoked"]`,
    )
    .waitFor();
  assert.equal((await installers()).find((each) => each.id === installer.id)?.revoked, true);
});
