import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AuditPage, ContinueSignInRequest, SignInResponse } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { withVirtualAuthenticator } from '../support/virtual-authenticator.js';

// What a passkey sign-in must refuse: an answer replayed from an earlier sign-in, an answer with
// a byte changed, and a copy of the authenticator (its signature counter went backwards). The
// passkey is made and used by headless Chromium's virtual authenticator in the real console.

let server: TestServer;
let browser: Browser;
let consoleUrl: string;
const PASSWORD = 'pete-first-password';

before(async () => {
  server = await createTestServer();
  browser = await launchBrowser();
  // Passkeys belong to a domain name (the public URL's host), not to an IP address.
  consoleUrl = `https://localhost:${new URL(server.url).port}`;
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'pete',
    role: 'technician',
    password: PASSWORD,
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
});
after(async () => {
  await browser.close();
  await server.close();
});

/** Signs in with the password, then the passkey; resolves with the passkey answer sent. */
async function signInWithPasskey(
  page: Page,
  username = 'pete',
  password = PASSWORD,
): Promise<ContinueSignInRequest> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('sign-in-step').waitFor();
  const sent = page.waitForRequest((request) => request.url().endsWith('/auth/login/continue'));
  await page.getByTestId('sign-in-passkey').click();
  return ContinueSignInRequest.parse((await sent).postDataJSON());
}

/** Registers a passkey on My account for the signed-in user, then signs out. */
async function registerPasskey(page: Page, name: string): Promise<void> {
  await page.getByTestId('signed-in-user').click();
  await page.getByTestId('passkey-new-name').fill(name);
  await page.getByTestId('passkey-add').click();
  await page.getByTestId('recovery-codes-done').click();
  await page.locator(`[data-testid="passkey"][data-name="${name}"]`).waitFor();
  await page.getByTestId('sign-out').click();
}

/** A fresh sign-in up to its passkey step, over HTTP: the ticket to answer. */
async function passwordStep(): Promise<{
  ticket: string;
  answer: (body: unknown) => Promise<number>;
}> {
  const client = server.client();
  const login = await client.request('POST', '/api/v1/auth/login', {
    username: 'pete',
    password: PASSWORD,
  });
  assert.equal(login.status, 200, login.text);
  const reply = login.json(SignInResponse);
  assert.ok('step' in reply, 'the password asks for the passkey next');
  return {
    ticket: reply.step.ticket,
    answer: async (body) =>
      (await client.request('POST', '/api/v1/auth/login/continue', body)).status,
  };
}

test('a replayed, altered or cloned passkey answer does not sign in', async () => {
  const page = await newConsolePage(browser, consoleUrl);
  const authenticator = await withVirtualAuthenticator(page);
  await signIn(page, { username: 'pete', password: PASSWORD });
  await registerPasskey(page, 'Laptop');

  const used = await signInWithPasskey(page);
  await page.getByTestId('signed-in-user').waitFor();
  const answer = used.passkey;
  assert.ok(answer);

  // The same answer again, for its own (spent) ticket and for a new sign-in's challenge.
  assert.equal((await passwordStep().then((step) => step.answer(used))) >= 400, true);
  const replay = await passwordStep();
  assert.equal(await replay.answer({ ...used, ticket: replay.ticket }), 401, 'replayed answer');

  // One byte of the signature changed.
  const altered = await passwordStep();
  const response = answer.response as Record<string, string>;
  const signature = Buffer.from(response.signature ?? '', 'base64url');
  signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 0xff;
  const forged = { ...response, signature: signature.toString('base64url') };
  assert.equal(
    await altered.answer({
      ...used,
      ticket: altered.ticket,
      passkey: { ...answer, response: forged },
    }),
    401,
    'altered signature',
  );

  // A copy of the authenticator whose counter is behind the one the server has seen.
  const [original] = await authenticator.credentials();
  assert.ok(original && original.signCount >= 2);
  const elsewhere = await newConsolePage(browser, consoleUrl);
  const copy = await withVirtualAuthenticator(elsewhere);
  await copy.add({ ...original, signCount: 1 });
  await signInWithPasskey(elsewhere);
  await elsewhere.getByText(/could not be verified.*counter/).waitFor();
  assert.equal(await elsewhere.getByTestId('signed-in-user').count(), 0, 'not signed in');

  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=200')).json(AuditPage);
  const refusals = audit.entries.filter(
    (entry) => entry.actor === 'pete' && /refused|failed/.test(entry.action),
  );
  assert.ok(refusals.length >= 3, audit.entries.map((entry) => entry.action).join('\n'));
  await page.context().close();
  await elsewhere.context().close();
});

test('a passkey registered in the console signs in to the admin console (same host, its own port)', async () => {
  const password = 'ada-first-password';
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'ada',
    role: 'administrator',
    password,
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const page = await newConsolePage(browser, consoleUrl);
  await withVirtualAuthenticator(page);
  await signIn(page, { username: 'ada', password });
  await registerPasskey(page, 'Ada laptop');

  await page.goto(server.adminUrl);
  await signInWithPasskey(page, 'ada', password);
  await page.getByTestId('server-status').waitFor();
  await page.context().close();
});
