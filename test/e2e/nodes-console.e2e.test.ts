import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { waitFor } from '../support/cli.js';
import { signedInConsole } from '../support/signed-in-console.js';
import { ADMIN_PASSWORD } from '../support/test-server.js';
import { startTwoNodes } from '../support/two-nodes.js';

// The admin console's Nodes section (`/conf/nodes`, X-3) in headless Chromium: a single node
// says so and how to start a cluster; in a cluster it lists every node with its agents, and a
// node that stops leaves the list.

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test('a single node says it is not a cluster and how to start one', async () => {
  const ui = await signedInConsole({
    listener: 'admin',
    path: '/conf/nodes',
    ready: 'nodes-single',
  });
  cleanups.push(() => ui.close());
  const text = (await ui.page.getByTestId('nodes-single').textContent()) ?? '';
  assert.match(text, /Single node, no cluster\./);
  assert.match(text, /--nats nats:\/\//);
});

test('in a cluster every node is listed with its agents; a node that stops leaves the list', async () => {
  const [nodes, browser] = await Promise.all([startTwoNodes(), launchBrowser()]);
  cleanups.push(async () => {
    await browser.close();
    await nodes.close();
  });
  await nodes.a.startAgent();
  // Node B's admin console: it lists A's agent on A.
  const page = await newConsolePage(browser, nodes.b.adminUrl);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await page.goto('/conf/nodes');
  const rows = page.getByTestId('node-row');
  const agentsOf = async (nodeId: string) =>
    (await rows.filter({ hasText: nodeId }).getByTestId('node-agents').textContent())?.trim();
  await waitFor('both nodes listed, A with its agent', async () =>
    (await rows.count()) === 2 && (await agentsOf('node-a')) === '1' ? true : undefined,
  );
  assert.equal(await agentsOf('node-b'), '0');
  assert.equal(await page.locator('[data-testid="node-row"][data-alive="true"]').count(), 2);
  assert.match((await rows.filter({ hasText: 'node-b' }).textContent()) ?? '', /this node/);

  await nodes.stopA();
  // The list refreshes by itself: A left it when it stopped.
  await waitFor('node A to leave the list', async () =>
    (await rows.count()) === 1 ? true : undefined,
  );
  assert.match((await page.getByTestId('nodes-summary').textContent()) ?? '', /^1 alive, 0 dead/);
});
