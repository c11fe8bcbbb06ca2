import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { z } from 'zod';
import { newConsolePage, signIn } from '../../packages/console/test/support/browser.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

/** The served document, as far as the test reads it (the page must cope with the rest). */
const Operation = z.looseObject({
  summary: z.string().optional(),
  'x-permission': z.string().optional(),
  /** A script token's permission (the whole-API generator's name for it). */
  'x-oem-permission': z.string().optional(),
});
const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let server: TestServer;
let browser: Browser;
let ui: SignedInConsole | undefined;
let page: Page;
let document: z.infer<typeof OpenApiDocument>;

/** Every operation of the served document: `METHOD path` → its summary and permission. */
function servedOperations(): Map<string, z.infer<typeof Operation>> {
  const found = new Map<string, z.infer<typeof Operation>>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (METHODS.includes(method))
        found.set(`${method.toUpperCase()} ${path}`, Operation.parse(operation));
    }
  }
  return found;
}

const operationRow = (method: string, path: string): Locator =>
  page.locator(`[data-testid=api-operation][data-method="${method}"][data-path="${path}"]`).first();

before(async () => {
  ui = await signedInConsole();
  ({ server, browser, page } = ui);
  const served = await server.admin.request('GET', '/api/v1/openapi.json');
  assert.equal(served.status, 200, served.text);
  document = served.json(OpenApiDocument);
  await mkdir(ARTIFACTS, { recursive: true });
  await page.getByRole('link', { name: 'API reference' }).click();
  await page.getByTestId('api-operation').first().waitFor();
});
after(() => ui?.close());

test('the API reference lists every operation of the served document with its method, path, summary and permission', async () => {
  assert.equal(new URL(page.url()).pathname, '/api-reference');
  await page.screenshot({ path: `${ARTIFACTS}api-reference-top.png` });
  const expected = servedOperations();
  assert.ok(expected.size > 0, 'the server documents operations');
  const shown = await page
    .getByTestId('api-operation')
    .evaluateAll((elements) =>
      elements.map((element) => `${element.dataset.method} ${element.dataset.path}`),
    );
  assert.deepEqual([...new Set(shown)].sort(), [...expected.keys()].sort());
  for (const [key, operation] of expected) {
    const [method = '', path = ''] = key.split(' ');
    const summary = await operationRow(method, path)
      .getByTestId('api-operation-summary')
      .innerText();
    assert.ok(summary.includes(method) && summary.includes(path), summary);
    if (operation.summary) assert.ok(summary.includes(operation.summary), summary);
    const permission = operation['x-permission'] ?? operation['x-oem-permission'];
    if (permission) assert.ok(summary.includes(permission), summary);
  }
});

test('the OEM createdevicekey operation shows who may call it, its body fields and its answers', async () => {
  const row = operationRow('POST', '/api/v1/oem/devices/createdevicekey');
  await row.getByTestId('api-operation-summary').click();
  const access = await row.getByTestId('api-access').innerText();
  assert.match(access, /scriptToken \(Bearer token in the Authorization header\)/);
  const body = row.getByTestId('api-request-body');
  for (const field of ['request_id', 'tenant_id', 'remotecontrol_id', 'key_permissions'])
    await body.locator(`[data-testid=schema-field][data-name="${field}"]`).waitFor();
  assert.match(
    await body.locator('[data-testid=schema-field][data-name="request_id"]').innerText(),
    /required/,
  );
  const answers = await row
    .getByTestId('api-response')
    .evaluateAll((elements) => elements.map((element) => element.dataset.status));
  assert.ok(answers.includes('200') && answers.includes('401'), answers.join(', '));
  await row
    .locator('[data-testid=api-response][data-status="200"]')
    .locator('[data-testid=schema-field][data-name="device_key_id"]')
    .waitFor();
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${ARTIFACTS}api-reference.png` });
});

test('the installers endpoints are listed with method, path and permission', async () => {
  for (const [method, path, permission] of [
    ['GET', '/api/v1/installers', 'installers.view'],
    ['POST', '/api/v1/installers', 'installers.manage'],
    ['DELETE', '/api/v1/installers/{id}', 'installers.manage'],
  ] as const) {
    const summary = await operationRow(method, path)
      .getByTestId('api-operation-summary')
      .innerText();
    assert.ok(summary.includes(permission), `${method} ${path}: ${summary}`);
  }
});

test('the filter narrows the list, and the raw document downloads as served', async () => {
  await page.getByTestId('api-filter').fill('createdevicekey');
  await page.getByTestId('api-operation').nth(1).waitFor({ state: 'detached' });
  const left = await page.getByTestId('api-operation').getAttribute('data-path');
  assert.equal(left, '/api/v1/oem/devices/createdevicekey');
  await page.getByTestId('api-filter').fill('');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('api-download').click(),
  ]);
  const saved = await download.path();
  const raw = OpenApiDocument.parse(JSON.parse(await readFile(saved, 'utf8')));
  assert.match(raw.openapi, /^3\.1\./);
  assert.deepEqual(Object.keys(raw.paths).sort(), Object.keys(document.paths).sort());
});

test('the nav shows a technician the pages their role may use, the API reference among them', async () => {
  const password = 'technician-password-1234';
  await server.server.context.auth.createUser({ username: 'tech', password, role: 'technician' });
  const technician = await newConsolePage(browser, server.url);
  try {
    await signIn(technician, { username: 'tech', password });
    const nav = technician.getByRole('navigation', { name: 'Main' });
    const entries = await nav.locator('.nav-links a').allInnerTexts();
    assert.deepEqual(entries, ['Devices', 'Recordings', 'Ad-hoc', 'API reference']);
    await nav.getByRole('link', { name: 'API reference' }).click();
    await technician
      .locator('[data-testid=api-operation][data-path="/api/v1/oem/devices/createdevicekey"]')
      .waitFor();
    assert.equal(await technician.title(), 'API reference · Tether');
  } finally {
    await technician.context().close();
  }
});
