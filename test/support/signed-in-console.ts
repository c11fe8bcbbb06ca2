import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from './test-server.js';

/** A test server with headless Chromium signed in to its console; see {@link signedInConsole}. */
export interface SignedInConsole {
  server: TestServer;
  browser: Browser;
  /** Signed in as the administrator, on the listener and at the path asked for. */
  page: Page;
  /** Closes the browser, then the server (and the agents it started). */
  close(): Promise<void>;
}

/**
 * The prelude of a console browser test: a test server and Chromium, started at the same time
 * (each takes seconds on a loaded machine), a page signed in as the administrator on the user
 * listener or the admin listener (`/conf`), then optionally opened at `path` and waited on until
 * the element with the test id `ready` shows. When any step fails, what already started is
 * stopped before the error is thrown, so the file fails instead of hanging on a live server.
 *
 * @example
 * let ui: SignedInConsole;
 * before(async () => {
 *   ui = await signedInConsole({ listener: 'admin', path: '/conf/proxy', ready: 'proxy-form' });
 * });
 * after(() => ui?.close());
 */
export async function signedInConsole(
  options: {
    /** Options of the test server (its configuration, log, trusted certificates). */
    server?: Parameters<typeof createTestServer>[0];
    /** Where the page signs in: the user listener (default) or the admin listener. */
    listener?: 'user' | 'admin';
    /** A path to open once signed in, e.g. `/conf/proxy` or `/devices`. */
    path?: string;
    /** The test id of an element to wait for at `path`. */
    ready?: string;
  } = {},
): Promise<SignedInConsole> {
  const [server, browser] = await Promise.allSettled([
    createTestServer(options.server),
    launchBrowser(),
  ]);
  const close = async (): Promise<void> => {
    if (browser.status === 'fulfilled') await browser.value.close();
    if (server.status === 'fulfilled') await server.value.close();
  };
  if (server.status === 'rejected') {
    await close();
    throw server.reason;
  }
  if (browser.status === 'rejected') {
    await close();
    throw browser.reason;
  }
  try {
    const url = options.listener === 'admin' ? server.value.adminUrl : server.value.url;
    const page = await newConsolePage(browser.value, url);
    await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
    if (options.path !== undefined) await page.goto(options.path);
    if (options.ready !== undefined) await page.getByTestId(options.ready).waitFor();
    return { server: server.value, browser: browser.value, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
