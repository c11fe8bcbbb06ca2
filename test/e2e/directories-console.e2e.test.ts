import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DirectoriesResponse } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { adminClient } from '../support/admin-client.js';
import { startFreeRadius, type FreeRadiusInstance } from '../support/freeradius.js';
import { startSlapd, type SlapdInstance } from '../support/slapd.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const SECRET = 'console-radius-secret';

let radius: FreeRadiusInstance;
let ldap: SlapdInstance;
let server: TestServer;
let browser: Browser;
let admin: Page;

before(async () => {
  radius = await startFreeRadius({
    secret: SECRET,
    users: [],
    challenge: { username: 'olivia', code: '271828', classes: ['helpdesk'] },
  });
  ldap = await startSlapd({ suffix: 'dc=example,dc=com' });
  await ldap.add(
    'dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n' +
      'dn: uid=alice,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: alice\ncn: Alice Martin\nsn: Martin\nuserPassword: alice-password\n',
  );
  server = await createTestServer();
  browser = await launchBrowser();
  admin = await newConsolePage(browser, server.url);
  await mkdir(ARTIFACTS, { recursive: true });
  await signIn(admin, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await server.close();
  await radius.stop();
  await ldap.stop();
});

/** Opens a section of the admin console (`/conf/<name>` on the admin listener). */
async function openAdminSection(page: Page, name: string): Promise<void> {
  await page.goto(new URL(`/conf/${name}`, server.adminUrl).href);
}

test('an administrator adds a RADIUS directory in the admin console, tests it, and its user signs in through a challenge', async () => {
  // The user console's Settings say where the directories are now.
  await admin.getByRole('link', { name: 'Settings' }).click();
  assert.match(await admin.getByTestId('sign-in-settings').innerText(), /admin interface.*7615/s);
  // Signed in on the user listener is signed in on the admin listener: a cookie names a host.
  await openAdminSection(admin, 'directories');
  await admin.getByTestId('directory-add-radius').click();
  await admin.getByTestId('directory-name').fill('Token server');
  await admin.getByTestId('directory-id').fill('tokens');
  await admin.getByTestId('radius-servers').fill(`${radius.host}:${radius.port}`);
  await admin.getByTestId('radius-secret').fill(SECRET);
  await admin.getByTestId('mapping-add').click();
  await admin.getByTestId('mapping-group').fill('helpdesk');
  await admin.getByTestId('mapping-role').selectOption('technician');
  await admin.getByTestId('mapping-teams').fill('Helpdesk');
  await admin.getByTestId('directory-save').click();
  await admin.getByTestId('directory-row').getByText('Token server').waitFor();

  const saved = (await adminClient(server).request('GET', '/conf/api/directories')).json(
    DirectoriesResponse,
  );
  const [directory] = saved.directories;
  assert.ok(directory?.type === 'radius');
  assert.equal(directory.secretSet, true);
  assert.deepEqual(directory.mapping.rules, [
    { group: 'helpdesk', role: 'technician', teams: ['Helpdesk'] },
  ]);

  // The test panel shows what the server answered.
  await admin.getByTestId('directory-test-open').click();
  await admin.getByTestId('directory-test-username').fill('olivia');
  await admin.getByTestId('directory-test-password').fill('olivia-password');
  await admin.getByTestId('directory-test-run').click();
  const outcome = admin.getByTestId('directory-test-outcome');
  await outcome.waitFor();
  assert.match(await outcome.innerText(), /challenge — Enter the code from your token/);
  assert.match(
    await admin.getByTestId('directory-test-result').innerText(),
    /Access-Challenge from 127\.0\.0\.1:\d+/,
  );
  await admin.screenshot({ path: `${ARTIFACTS}console-directories.png` });

  // Edited without typing the secret again: the stored one is kept.
  await admin.getByTestId('directory-edit').click();
  await admin.getByTestId('directory-name').fill('Token servers');
  await admin.getByTestId('directory-save').click();
  await admin.getByTestId('directory-row').getByText('Token servers').waitFor();
  const edited = (await adminClient(server).request('GET', '/conf/api/directories')).json(
    DirectoriesResponse,
  ).directories[0];
  assert.ok(edited?.type === 'radius' && edited.secretSet, 'the secret is kept');

  // The user signs in on the login page and answers the challenge.
  const olivia = await newConsolePage(browser, server.url);
  await olivia.getByTestId('login-username').fill('olivia');
  await olivia.getByTestId('login-password').fill('olivia-password');
  await olivia.getByTestId('login-submit').click();
  await olivia.getByTestId('sign-in-step').waitFor();
  assert.equal(
    await olivia.getByTestId('sign-in-step-message').innerText(),
    'Enter the code from your token',
  );
  await olivia.getByTestId('sign-in-step-code').fill('271828');
  await olivia.getByTestId('sign-in-step-submit').click();
  await olivia.getByTestId('signed-in-user').waitFor();
  await olivia.getByRole('link', { name: 'Devices' }).waitFor();
});

test('an administrator adds an LDAP directory with StartTLS in the admin console and tests a user', async () => {
  await openAdminSection(admin, 'directories');
  await admin.getByTestId('directory-add-ldap').click();
  await admin.getByTestId('directory-name').fill('Corporate LDAP');
  await admin.getByTestId('directory-id').fill('corp');
  await admin.getByTestId('ldap-urls').fill(ldap.url);
  await admin.getByTestId('ldap-starttls').check();
  await admin.getByTestId('ldap-ca').fill(ldap.ca);
  await admin.getByTestId('ldap-bind-dn').fill(ldap.rootDn);
  await admin.getByTestId('ldap-bind-password').fill(ldap.rootPassword);
  await admin.getByTestId('ldap-user-base').fill('dc=example,dc=com');
  await admin.getByTestId('mapping-default').selectOption('technician');
  await admin.getByTestId('directory-save').click();
  const row = admin.getByTestId('directory-row').filter({ hasText: 'Corporate LDAP' });
  await row.waitFor();
  await row.getByTestId('directory-test-open').click();
  await admin.getByTestId('directory-test-username').fill('alice');
  await admin.getByTestId('directory-test-password').fill('alice-password');
  await admin.getByTestId('directory-test-run').click();
  const outcome = admin.getByTestId('directory-test-outcome');
  await outcome.waitFor();
  assert.match(await outcome.innerText(), /accepted — role technician/);
  const stages = await admin.getByTestId('directory-test-result').innerText();
  assert.match(stages, /StartTLS: the connection is encrypted/);
  assert.match(stages, /uid=alice,dc=example,dc=com/);
  assert.ok(!stages.includes(ldap.rootPassword));
});
