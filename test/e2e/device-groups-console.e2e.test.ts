import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  DeviceGroupList,
  DeviceList,
  DeviceReply,
  InstallerList,
  PolicyReply,
} from '@tether/protocol';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let server: TestServer;
let ui: SignedInConsole | undefined;
let page: Page;

before(async () => {
  ui = await signedInConsole();
  ({ server, page } = ui);
  page.on('dialog', (dialog) => void dialog.accept());
  await mkdir(ARTIFACTS, { recursive: true });
});
after(() => ui?.close());

const row = (name: string) => page.locator(`[data-testid="group-row"][data-name="${name}"]`);

async function groupNames(): Promise<string[]> {
  const response = await server.admin.request('GET', '/api/v1/device-groups');
  return response.json(DeviceGroupList).groups.map((group) => group.name);
}

/** The names a group picker offers, without the "New group…" shortcut. */
async function offered(testId: string): Promise<string[]> {
  const labels = await page.getByTestId(testId).locator('option').allInnerTexts();
  return labels.filter((label) => label !== 'New group…');
}

test('an administrator creates a group, then an installer picking it', async () => {
  await page.getByRole('link', { name: 'Groups' }).click();
  await row('Default').waitFor();
  await page.getByTestId('group-name').fill('Paris servers');
  await page.getByTestId('group-description').fill('Racks, floor 2');
  await page.getByTestId('group-create').click();
  await row('Paris servers').waitFor();
  assert.match(await row('Paris servers').innerText(), /Racks, floor 2\s+0/);

  // A name taken in another letter case is refused with the server's reason.
  await page.getByTestId('group-name').fill('PARIS SERVERS');
  await page.getByTestId('group-create').click();
  await page.getByRole('alert').getByText('"Paris servers" already has this name').waitFor();
  await page.screenshot({ path: `${ARTIFACTS}console-device-groups.png` });

  await page.getByRole('link', { name: 'Installers' }).click();
  const picker = page.getByTestId('installer-group');
  await picker.locator('option', { hasText: 'Paris servers' }).waitFor({ state: 'attached' });
  assert.deepEqual(await offered('installer-group'), ['Default', 'Paris servers']);
  assert.equal(await picker.inputValue(), 'Default', 'the Default group is chosen first');
  await picker.selectOption('Paris servers');
  await page.getByTestId('installer-create').click();
  await page.getByTestId('created-installer').getByText('Paris servers').waitFor();
  const installers = (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList);
  assert.deepEqual(
    installers.installers.map((installer) => installer.group),
    ['Paris servers'],
  );
});

test('"New group…" in the installer form creates the group and picks it', async () => {
  await page.goto(`${server.url}/installers`);
  const picker = page.getByTestId('installer-group');
  await picker.locator('option', { hasText: 'Paris servers' }).waitFor({ state: 'attached' });
  await picker.selectOption({ label: 'New group…' });
  await page.getByTestId('installer-group-new-name').fill('Kiosks');
  // Enter creates the group; it must not submit the installer form.
  await page.getByTestId('installer-group-new-name').press('Enter');
  await picker.locator('option', { hasText: 'Kiosks' }).waitFor({ state: 'attached' });
  await page.waitForFunction(
    () =>
      document.querySelector<HTMLSelectElement>('[data-testid="installer-group"]')?.value ===
      'Kiosks',
  );
  assert.deepEqual(await groupNames(), ['Default', 'Kiosks', 'Paris servers']);
  const installers = (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList);
  assert.equal(installers.installers.length, 1, 'no installer was created by the Enter key');
});

test('rename and delete from the Groups page; a refused delete says why', async () => {
  const agent = await server.startAgent(); // in "Test devices"
  const policy = (
    await server.admin.request('POST', '/api/v1/policies', { name: 'Kiosk policy', settings: {} })
  ).json(PolicyReply).policy;
  await page.goto(`${server.url}/policies/${policy.id}`);
  const assign = page.getByTestId('policy-assign-group');
  await assign.locator('option', { hasText: 'Kiosks' }).waitFor({ state: 'attached' });
  await assign.selectOption('Kiosks');
  await page.getByTestId('policy-assign-group-add').click();
  await page.getByTestId('policy-assignments-save').click();
  await page.getByText('Assignments saved.').waitFor();

  await page.goto(`${server.url}/device-groups`);
  await row('Test devices').getByTestId('group-edit').click();
  await page.getByTestId('group-edit-name').fill('Lab');
  await page.getByTestId('group-edit-save').click();
  await row('Lab').waitFor();
  assert.match(await row('Lab').getByTestId('group-row-devices').innerText(), /^1$/);
  const device = (await server.admin.request('GET', `/api/v1/devices/${agent.device.id}`)).json(
    DeviceReply,
  ).device;
  assert.equal(device.group, 'Lab');

  await row('Lab').getByTestId('group-delete').click();
  await page
    .getByTestId('group-row-error')
    .getByText(/it still has 1 device/)
    .waitFor();
  assert.ok((await groupNames()).includes('Lab'), 'the group stays');

  // Policy assignments alone hold Kiosks: the row offers to remove them with the group.
  await row('Kiosks').getByTestId('group-delete').click();
  await page.getByTestId('group-delete-with-assignments').click();
  await row('Kiosks').waitFor({ state: 'detached' });
  assert.ok(!(await groupNames()).includes('Kiosks'));
  const after = (await server.admin.request('GET', `/api/v1/policies/${policy.id}`)).json(
    PolicyReply,
  );
  assert.deepEqual(after.policy.assignments, []);
});

test('a device moves to another group from its page, and the list filters by group', async () => {
  const [first] = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList).devices;
  assert.ok(first);
  const second = await server.startAgent(); // in "Test devices", created again by the test server
  await page.goto(`${server.url}/devices/${first.id}`);
  await page.getByTestId('device-move').click();
  const picker = page.getByTestId('device-move-group');
  await picker.locator('option', { hasText: 'Paris servers' }).waitFor({ state: 'attached' });
  await picker.selectOption('Paris servers');
  await page.getByTestId('device-move-save').click();
  await page.getByTestId('device-group').getByText('Paris servers').waitFor();
  const moved = (await server.admin.request('GET', `/api/v1/devices/${first.id}`)).json(
    DeviceReply,
  );
  assert.equal(moved.device.group, 'Paris servers');

  await page.getByRole('link', { name: 'Devices', exact: true }).click();
  await page.getByTestId('device-group-filter').selectOption('Paris servers');
  await rowsAre(page, [first.id]);
  await page.getByTestId('device-summary').getByText('of 1 online').waitFor();
  const rows = page.getByTestId('device-row');
  assert.deepEqual(
    await rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-device-id'))),
    [first.id],
  );
  await page.getByTestId('device-group-filter').selectOption('Test devices');
  // The summary reads "of 1 online" for both groups: wait for the rows themselves.
  await rowsAre(page, [second.device.id]);
  await page.getByTestId('device-summary').getByText('of 1 online').waitFor();
  assert.deepEqual(
    await rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-device-id'))),
    [second.device.id],
  );
});

/** Waits until the device list shows exactly these devices, in this order (filters apply async). */
async function rowsAre(on: Page, ids: string[]): Promise<void> {
  const rows = on.getByTestId('device-row');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const shown = await rows.evaluateAll((found) =>
      found.map((row) => row.getAttribute('data-device-id')),
    );
    if (JSON.stringify(shown) === JSON.stringify(ids)) return;
    if (Date.now() > deadline) assert.deepEqual(shown, ids, 'the filtered device list');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
