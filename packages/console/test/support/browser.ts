import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; Playwright's own browser downloads are not used here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Launches headless Debian Chromium for console tests. Fails with a clear message when the
 * `chromium` package is missing.
 *
 * @example
 * const browser = await launchBrowser();
 * try { … } finally { await browser.close(); }
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      // Test servers use a fresh self-signed certificate. ignoreHTTPSErrors alone still forbids
      // service workers on such an origin, and the console streams downloads through one.
      '--ignore-certificate-errors',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh page (own context, so own cookies) on the console at `baseUrl`, accepting the test
 * server's self-signed certificate. Close it with `page.context().close()`.
 *
 * @example
 * const page = await newConsolePage(browser, server.url);
 * await page.getByTestId('login-username').fill('admin');
 */
export async function newConsolePage(
  browser: Browser,
  baseUrl: string,
  options: {
    /** `block` makes service worker registration fail, as an untrusted certificate does. */
    serviceWorkers?: 'allow' | 'block';
    /** Script run in every document before the console's own (e.g. to stand in for a dialog). */
    initScript?: string;
  } = {},
): Promise<Page> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    baseURL: baseUrl,
    viewport: { width: 1400, height: 900 },
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
  const page = await context.newPage();
  if (options.initScript !== undefined) await page.addInitScript(options.initScript);
  await page.goto(baseUrl);
  return page;
}

/**
 * Signs in on the console's sign-in page and waits for the signed-in shell.
 *
 * @example
 * await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
 */
export async function signIn(
  page: Page,
  credentials: { username: string; password: string },
): Promise<void> {
  await page.getByTestId('login-username').fill(credentials.username);
  await page.getByTestId('login-password').fill(credentials.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('signed-in-user').waitFor();
}
