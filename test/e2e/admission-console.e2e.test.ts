// The admin console's Agent admission section at /conf/admission on the admin listener.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { AdmissionView, AuditPage } from '@tether/protocol';
import { adminClient } from '../support/admin-client.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;
let ui: SignedInConsole | undefined;
let page: Page;

before(async () => {
  ui = await signedInConsole({
    listener: 'admin',
    path: '/conf/admission',
    ready: 'admission-form',
  });
  ({ server, page } = ui);
});
after(() => ui?.close());

test('an administrator raises the agents’ admission rate in the admin console; it applies and is audited', async () => {
  assert.equal(await page.getByTestId('admission-rate').inputValue(), '50');
  await page.getByTestId('admission-counts').getByText('Told to come back later').waitFor();

  await page.getByTestId('admission-rate').fill('400');
  await page.getByTestId('admission-save').click();
  await page.getByText('Saved: 400 agent connections per second').waitFor();

  const saved = (await adminClient(server).request('GET', '/conf/api/admission')).json(
    AdmissionView,
  );
  assert.equal(saved.agentsPerSec, 400);
  assert.equal(server.server.context.admission.settings().agentsPerSec, 400, 'in force at once');
  const audit = (
    await server.admin.request('GET', '/api/v1/audit?action=settings.changed&limit=5')
  ).json(AuditPage);
  const row = audit.entries.find((entry) => entry.target === 'admission');
  assert.deepEqual(row?.details, { agentsPerSec: 400, previous: { agentsPerSec: 50 } });
});
