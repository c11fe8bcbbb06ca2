import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AuditPage } from '@tether/protocol';
import { generate } from 'otplib';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { adminClient } from '../support/admin-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';
import { readQrCode } from '../support/qr-code.js';
import { withVirtualAuthenticator } from '../support/virtual-authenticator.js';

// Second factors in the real console with headless Chromium. Passkeys use Chromium's virtual
// authenticator (CDP WebAuthn domain): a platform authenticator with user verification, as a
// laptop's fingerprint reader would be. WebAuthn needs a domain for its relying party, so the
// console is opened at https://localhost (the server's default public URL), not 127.0.0.1.

let server: TestServer;
let browser: Browser;
let consoleUrl: string;
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

before(async () => {
  server = await createTestServer();
  browser = await launchBrowser();
  consoleUrl = `https://localhost:${new URL(server.url).port}`;
  await mkdir(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser.close();
  await server.close();
});

async function createTechnician(username: string, mustChangePassword = false): Promise<void> {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username,
    role: 'technician',
    password: `${username}-first-password`,
    mustChangePassword,
  });
  assert.equal(created.status, 201, created.text);
}

async function signInWithPassword(page: Page, username: string, password?: string) {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password ?? `${username}-first-password`);
  await page.getByTestId('login-submit').click();
}

async function auditLines(): Promise<string[]> {
  const page = (await server.admin.request('GET', '/api/v1/audit?limit=200')).json(AuditPage);
  return page.entries.map((entry) => `${entry.action} ${entry.actor}`);
}

test('a technician registers a passkey on My account, then signs in with password and passkey', async () => {
  await createTechnician('pia');
  const page = await newConsolePage(browser, consoleUrl);
  const authenticator = await withVirtualAuthenticator(page);
  await signIn(page, { username: 'pia', password: 'pia-first-password' });

  await page.getByTestId('signed-in-user').click();
  await page.getByTestId('second-factors').waitFor();
  await page.getByTestId('passkey-new-name').fill('Virtual key');
  await page.getByTestId('passkey-add').click();
  // The first factor comes with recovery codes, shown once.
  await page.getByTestId('recovery-codes').waitFor();
  await page.screenshot({ path: `${ARTIFACTS}console-recovery-codes.png` });
  const codes = await page.getByTestId('recovery-code').allInnerTexts();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  await page.getByTestId('recovery-codes-done').click();
  await page.locator('[data-testid="passkey"][data-name="Virtual key"]').waitFor();
  assert.equal((await authenticator.credentials()).length, 1, 'the authenticator holds it');

  await page.getByTestId('sign-out').click();
  await signInWithPassword(page, 'pia');
  await page.getByTestId('sign-in-step').waitFor();
  await page.screenshot({ path: `${ARTIFACTS}console-sign-in-passkey.png` });
  await page.getByTestId('sign-in-passkey').click();
  await page.getByTestId('signed-in-user').waitFor();

  const [credential] = await authenticator.credentials();
  assert.ok(credential && credential.signCount >= 2, 'the passkey signed the sign-in');
  await page.getByTestId('signed-in-user').click();
  await page.getByTestId('passkey').waitFor();
  await page.screenshot({ path: `${ARTIFACTS}console-second-factors.png`, fullPage: true });
  assert.match(
    await page.locator('[data-testid="passkey"]').innerText(),
    /last used/,
    'My account shows when it was last used',
  );
  const lines = await auditLines();
  assert.ok(lines.includes('second_factor.enrolled pia'), lines.join('\n'));
  await page.context().close();
});

test('a role that requires a second factor: the technician adds an authenticator app before anything else', async () => {
  const admin = await newConsolePage(browser, consoleUrl);
  await signIn(admin, { username: 'admin', password: ADMIN_PASSWORD });
  // The requirement is set in the admin console; the sign-in on the user listener counts there
  // (a cookie names a host, not a port).
  await admin.goto(new URL('/conf/second-factor', server.adminUrl).href);
  await admin.getByTestId('second-factor-required-technician').check();
  await admin.getByTestId('second-factor-settings-save').click();
  await admin.getByTestId('second-factor-settings').getByText('Saved.').waitFor();

  await createTechnician('tom', true);
  const page = await newConsolePage(browser, consoleUrl);
  await signInWithPassword(page, 'tom');
  // A new password first, then the second factor: each before anything else.
  await page.getByTestId('change-password-form').waitFor();
  await page.getByTestId('current-password').fill('tom-first-password');
  await page.getByTestId('new-password').fill('tom chose this one');
  await page.getByTestId('repeat-password').fill('tom chose this one');
  await page.getByTestId('change-password-submit').click();
  await page.getByTestId('enrol-second-factor').waitFor();
  await page.getByTestId('totp-start').click();
  const secret = await page.getByTestId('totp-secret').innerText();
  const uri = await page.getByTestId('totp-uri').innerText();
  assert.match(uri, /^otpauth:\/\/totp\//);
  // The QR code a phone scans holds the same link.
  assert.equal(await readQrCode(page.getByTestId('qr-code')), uri);
  await page.getByTestId('totp-code').fill('000000');
  await page.getByTestId('totp-confirm').click();
  await page.getByText(/does not match/).waitFor();
  const code = await generate({ secret, epoch: Math.floor(server.clock.now().getTime() / 1000) });
  await page.getByTestId('totp-code').fill(code);
  await page.getByTestId('totp-confirm').click();
  await page.getByTestId('recovery-codes').waitFor();
  await page.getByTestId('recovery-codes-done').click();
  await page.getByRole('link', { name: 'Devices' }).waitFor();

  // The next sign-in asks for a code; a recovery code does too, once.
  await page.getByTestId('sign-out').click();
  await signInWithPassword(page, 'tom', 'tom chose this one');
  await page.getByTestId('sign-in-step').waitFor();
  server.clock.advance(30_000);
  const next = await generate({ secret, epoch: Math.floor(server.clock.now().getTime() / 1000) });
  await page.getByTestId('sign-in-step-code').fill(next);
  await page.getByTestId('sign-in-step-submit').click();
  await page.getByTestId('signed-in-user').waitFor();
  await adminClient(server).request('PUT', '/conf/api/second-factor', { requiredRoles: [] });
  await admin.context().close();
  await page.context().close();
});
