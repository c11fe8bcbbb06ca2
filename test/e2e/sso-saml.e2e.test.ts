import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AuditEntry, SsoTestResult, UserList, type SaveSsoProviderRequest } from '@tether/protocol';
import { z } from 'zod';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { startSamlIdp, type SamlTestIdp } from '../support/sso/saml-idp.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';
import { adminClient } from '../support/admin-client.js';

const ACS_PATH = '/api/v1/auth/sso/corp-saml/acs';
const SKEW_PROVIDERS = ['skew-none', 'skew-120'] as const;
const spUrl = (id: string, what: 'acs' | 'metadata') =>
  `${consoleUrl}/api/v1/auth/sso/${id}/${what}`;

let server: TestServer;
let idp: SamlTestIdp;
let browser: Browser;
let consoleUrl: string;

before(async () => {
  server = await createTestServer();
  consoleUrl = server.server.context.publicUrl();
  idp = await startSamlIdp({
    users: [
      {
        username: 'carol',
        password: 'carol-password',
        attributes: { uid: ['carol'], displayName: ['Carol Support'], groups: ['support'] },
      },
      {
        username: 'dave',
        password: 'dave-password',
        attributes: { uid: ['dave'], groups: ['sales'] },
      },
    ],
    serviceProviders: [
      { entityId: spUrl('corp-saml', 'metadata'), acsUrl: spUrl('corp-saml', 'acs') },
      // Assertions valid for one second: only the clock skew setting can accept them later.
      ...SKEW_PROVIDERS.map((id) => ({
        entityId: spUrl(id, 'metadata'),
        acsUrl: spUrl(id, 'acs'),
        assertionLifetimeSec: 1,
      })),
    ],
  });
  browser = await launchBrowser();
  const provider: SaveSsoProviderRequest = {
    kind: 'saml',
    id: 'corp-saml',
    label: 'Corp SAML',
    entryPoint: idp.ssoUrl,
    idpIssuer: idp.entityId,
    idpCertificates: [idp.certificate],
    usernameAttribute: 'uid',
    displayNameAttribute: 'displayName',
    groupsAttribute: 'groups',
    mapping: { rules: [{ group: 'support', role: 'privileged' }] },
  };
  const saved = await adminClient(server).request(
    'PUT',
    '/conf/api/sso/providers/corp-saml',
    provider,
  );
  assert.equal(saved.status, 200, saved.text);
  for (const id of SKEW_PROVIDERS) {
    const skewed: SaveSsoProviderRequest = {
      ...provider,
      id,
      label: id,
      clockSkewSec: id === 'skew-none' ? 0 : 120,
    };
    const response = await adminClient(server).request(
      'PUT',
      `/conf/api/sso/providers/${id}`,
      skewed,
    );
    assert.equal(response.status, 200, response.text);
  }
});
after(async () => {
  await browser.close();
  await idp.close();
  await server.close();
});

async function userNamed(username: string) {
  const list = (await server.admin.request('GET', '/api/v1/users')).json(UserList);
  return list.users.find((user) => user.username === username);
}

/** Signs in at SimpleSAMLphp's login form (shown only while the IdP has no session). */
async function signInAtIdp(page: Page, username: string, password: string): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(idp.entityId.replace(/saml2.*/, '')));
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('input[name="password"]').press('Enter');
}

test('the service provider metadata names our entity ID and assertion consumer service', async () => {
  const response = await server.client().request('GET', '/api/v1/auth/sso/corp-saml/metadata');
  assert.equal(response.status, 200);
  assert.match(
    response.text,
    /entityID="https:\/\/localhost:\d+\/api\/v1\/auth\/sso\/corp-saml\/metadata"/,
  );
  assert.ok(response.text.includes(`Location="${consoleUrl}${ACS_PATH}"`));
  assert.match(response.text, /WantAssertionsSigned="true"/);
});

test('a mapped user signs in through the SAML IdP and is created with the mapped role', async () => {
  const page = await newConsolePage(browser, consoleUrl);
  try {
    await page.getByTestId('sso-button-corp-saml').click();
    await signInAtIdp(page, 'carol', 'carol-password');
    await page.getByTestId('signed-in-user').waitFor({ timeout: 60_000 });
    const carol = await userNamed('carol');
    assert.ok(carol, 'the user was created at their first sign-in');
    assert.equal(carol.role, 'privileged');
    assert.equal(carol.source, 'saml');
    assert.equal(carol.displayName, 'Carol Support');
  } finally {
    await page.context().close();
  }
});

test('an unmapped user is refused on the login page with the reason', async () => {
  const page = await newConsolePage(browser, consoleUrl);
  try {
    await page.getByTestId('sso-button-corp-saml').click();
    await signInAtIdp(page, 'dave', 'dave-password');
    const refusal = page.getByTestId('sso-error');
    await refusal.waitFor({ timeout: 60_000 });
    assert.match(await refusal.innerText(), /none of your groups is mapped/);
    assert.equal(await userNamed('dave'), undefined);
  } finally {
    await page.context().close();
  }
});

test("an administrator's test shows the assertion's attributes and the mapping, signing nobody in", async () => {
  const page = await newConsolePage(browser, consoleUrl);
  try {
    await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
    // Started on the admin listener (signed in there by the same cookie), shown in the admin
    // console once the IdP has posted to the user listener.
    const adminOrigin = new URL(server.adminUrl).origin;
    await page.goto(`${adminOrigin}/conf/api/sso/providers/corp-saml/test`);
    await signInAtIdp(page, 'dave', 'dave-password');
    await page.waitForURL(
      (url) => url.origin === adminOrigin && url.pathname === '/conf/single-sign-on',
      { timeout: 60_000 },
    );
    // The result is the administrator's, on the admin listener.
    const testId = new URL(page.url()).searchParams.get('test') ?? '';
    const answer = await page.context().request.get(`${adminOrigin}/conf/api/sso/tests/${testId}`);
    assert.equal(answer.status(), 200, await answer.text());
    assert.equal(SsoTestResult.parse(await answer.json()).identity?.username, 'dave');
    await page.getByTestId('sso-test-result').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('sso-test-username').innerText(), 'dave');
    assert.equal(await page.getByTestId('sso-test-groups').innerText(), 'sales');
    assert.match(await page.getByTestId('sso-test-mapped').innerText(), /not mapped/);
    assert.match(await page.getByTestId('sso-test-received').innerText(), /"nameID"/);
    // Still the administrator: the test did not sign dave in.
    await page.goto(consoleUrl);
    assert.match(await page.getByTestId('signed-in-user').innerText(), /admin/);
  } finally {
    await page.context().close();
  }
});

/**
 * Runs the round trip as far as the IdP's signed response, which is kept instead of being
 * posted: the browser's flow stays open for a crafted response.
 */
async function signedResponse(
  page: Page,
  providerId = 'corp-saml',
): Promise<{ SAMLResponse: string; RelayState: string }> {
  const acsPath = `/api/v1/auth/sso/${providerId}/acs`;
  let captured: string | undefined;
  await page.route(`**${acsPath}`, async (route) => {
    captured = route.request().postData() ?? '';
    await route.abort();
  });
  const posted = page.waitForEvent('requestfailed', {
    predicate: (request) => request.url().endsWith(acsPath),
    timeout: 60_000,
  });
  // The IdP asks for the password once; later round trips use its session.
  await page.goto(`${consoleUrl}/api/v1/auth/sso/${providerId}/start`).catch(() => undefined);
  if (captured === undefined && (await page.locator('input[name="username"]').count())) {
    await signInAtIdp(page, 'carol', 'carol-password');
  }
  await posted;
  await page.unroute(`**${acsPath}`);
  const form = new URLSearchParams(captured);
  return { SAMLResponse: form.get('SAMLResponse') ?? '', RelayState: form.get('RelayState') ?? '' };
}

const xmlOf = (response: string) => Buffer.from(response, 'base64').toString('utf8');
const responseOf = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

test('a tampered assertion and an unsigned one are refused; the untouched one is accepted', async () => {
  const page = await newConsolePage(browser, consoleUrl);
  try {
    const post = (form: { SAMLResponse: string; RelayState: string }) =>
      page.context().request.post(`${consoleUrl}${ACS_PATH}`, { form, maxRedirects: 0 });
    // Three flows of this browser, each with a real signed response of the IdP.
    const [first, second, third] = [
      await signedResponse(page),
      await signedResponse(page),
      await signedResponse(page),
    ];

    const original = xmlOf(first.SAMLResponse);
    assert.match(original, /<ds:Signature/);
    const tampered = original.replace(/>support</, '>administrators<');
    assert.notEqual(tampered, original, 'the group value was changed');
    const refusedTampered = await post({ ...first, SAMLResponse: responseOf(tampered) });
    assert.match(
      await refusedTampered.text(),
      /Single sign-on failed: the SAML response was refused: Invalid signature/,
    );
    assert.doesNotMatch(refusedTampered.headers()['set-cookie'] ?? '', /tether_session=[^;]/);

    const unsigned = xmlOf(second.SAMLResponse).replace(
      /<ds:Signature[\s\S]*?<\/ds:Signature>/g,
      '',
    );
    assert.doesNotMatch(unsigned, /Signature/);
    const refusedUnsigned = await post({ ...second, SAMLResponse: responseOf(unsigned) });
    assert.match(
      await refusedUnsigned.text(),
      /Single sign-on failed: the SAML response was refused: Invalid signature/,
    );
    assert.doesNotMatch(refusedUnsigned.headers()['set-cookie'] ?? '', /tether_session=[^;]/);

    // The same browser with an untouched response signs in: the refusals were the signature's.
    const accepted = await post(third);
    assert.match(accepted.headers()['set-cookie'] ?? '', /tether_session=[^;]/);
  } finally {
    await page.context().close();
  }
  const audit = await server.admin.request('GET', '/api/v1/audit?limit=50');
  const refusals = audit
    .json(z.object({ entries: z.array(AuditEntry) }))
    .entries.filter(
      (entry) =>
        entry.action === 'auth.login_failed' &&
        /SAML response was refused/.test(JSON.stringify(entry.details)),
    );
  assert.equal(refusals.length, 2, 'both refusals are audited with their reason');
});

test('the clock skew setting decides whether an assertion just past its validity is accepted', async () => {
  const page = await newConsolePage(browser, consoleUrl);
  try {
    const post = (providerId: string, form: { SAMLResponse: string; RelayState: string }) =>
      page.context().request.post(spUrl(providerId, 'acs'), { form, maxRedirects: 0 });
    const strict = await signedResponse(page, 'skew-none');
    const lenient = await signedResponse(page, 'skew-120');
    // Both assertions were valid for one second (NotOnOrAfter): wait until that has passed.
    const validUntil = (response: string) =>
      Date.parse(/NotOnOrAfter="([^"]+)"/.exec(xmlOf(response))?.[1] ?? '');
    const latest = Math.max(validUntil(strict.SAMLResponse), validUntil(lenient.SAMLResponse));
    assert.ok(Number.isFinite(latest), 'the assertions carry NotOnOrAfter');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, latest - Date.now()) + 1500));

    const refused = await post('skew-none', strict);
    // node-saml's words for a subject confirmation or assertion past NotOnOrAfter.
    assert.match(
      await refused.text(),
      /the SAML response was refused: (No valid subject confirmation|SAML assertion expired)/,
    );
    assert.doesNotMatch(refused.headers()['set-cookie'] ?? '', /tether_session=[^;]/);
    // The same IdP, the same kind of assertion, as late: accepted within 120 s of skew.
    const accepted = await post('skew-120', lenient);
    assert.match(accepted.headers()['set-cookie'] ?? '', /tether_session=[^;]/);
  } finally {
    await page.context().close();
  }
});

test("pasting the IdP's metadata in the console fills its URL, entity ID and certificate", async () => {
  const metadata = await (await fetch(idp.entityId)).text();
  const page = await newConsolePage(browser, consoleUrl);
  try {
    await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
    await page.goto(new URL('/conf/single-sign-on', server.adminUrl).href);
    await page.getByTestId('sso-add-saml').click();
    await page.getByTestId('sso-idp-metadata').fill(metadata);
    await page.getByTestId('sso-idp-metadata-fill').click();
    assert.equal(await page.getByTestId('sso-field-entryPoint').inputValue(), idp.ssoUrl);
    assert.equal(await page.getByTestId('sso-field-idpIssuer').inputValue(), idp.entityId);
    const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
    assert.equal(
      body(await page.getByTestId('sso-field-idpCertificates').inputValue()),
      body(idp.certificate),
    );
    await page.getByTestId('sso-field-id').fill('pasted');
    await page.getByTestId('sso-field-label').fill('Pasted');
    await page.getByTestId('sso-save').click();
    await page.locator('[data-testid="sso-row"][data-provider="pasted"]').waitFor();
  } finally {
    await page.context().close();
  }
});
