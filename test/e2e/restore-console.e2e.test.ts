import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { z } from 'zod';
import { AuditPage, BackupJob, DeviceList, UserList } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { stopProcess, waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { enrollAndRunAgent, freePort, startServerProcess } from '../support/server-process.js';

// Restoring a backup from the admin console (S-8), with the real `tether server` process (it
// restarts itself to apply the restore), a real agent and the console in headless Chromium: a
// wrong passphrase changes nothing; the right one restarts the server on the backup's data, the
// administrator signs in again and sees the outcome, and the agent comes back by itself.

const PASSWORD = 'restore-admin-password-1';
const PASSPHRASE = 'restore from the console passphrase';

let root: string;
let browser: Browser;

before(async () => {
  [root, browser] = await Promise.all([
    mkdtemp(join(tmpdir(), 'tether-restore-console-')),
    launchBrowser(),
  ]);
});
after(async () => {
  await browser.close();
  await rm(root, { recursive: true, force: true });
});

test('an administrator restores a backup from the admin console; the server restarts on it and the agent reconnects', async () => {
  const [port, adminPort] = [await freePort(), await freePort()];
  const dataDir = join(root, 'server');
  const server = await startServerProcess({ dataDir, port, adminPort, password: PASSWORD });
  const agent = await enrollAndRunAgent(server.client, {
    port,
    agentDir: join(root, 'agent'),
    group: 'Restored',
  });
  try {
    const ca = await readFile(join(dataDir, 'keys', 'tls-self-signed.crt'), 'utf8');
    const signedIn = async (origin: string) => {
      const client = new HttpsClient(origin, ca);
      const login = await client.request('POST', '/api/v1/auth/login', {
        username: 'admin',
        password: PASSWORD,
      });
      assert.equal(login.status, 200, login.text);
      return client;
    };
    const deviceOnline = async (client: HttpsClient) =>
      waitFor(
        'the device to be online',
        async () =>
          (await client.request('GET', '/api/v1/devices'))
            .json(DeviceList)
            .devices.find((device) => device.online),
        120_000,
      );
    await deviceOnline(server.client);

    // A backup, then a change the restore must undo.
    const conf = await signedIn(`https://localhost:${adminPort}`);
    const JobReply = z.object({ job: BackupJob });
    const { job } = (
      await conf.request('POST', '/conf/api/backups', { passphrase: PASSPHRASE })
    ).json(JobReply);
    const written = await waitFor('the backup to be written', async () => {
      const now = (await conf.request('GET', `/conf/api/backups/jobs/${job.id}`)).json(JobReply);
      return now.job.state === 'running' ? undefined : now.job;
    });
    assert.equal(written.state, 'done');
    const created = await server.client.request('POST', '/api/v1/users', {
      username: 'after-backup',
      password: 'after-backup-password-1',
      role: 'technician',
    });
    assert.equal(created.status, 201, created.text);
    const usernames = async (client: HttpsClient) =>
      (await client.request('GET', '/api/v1/users'))
        .json(UserList)
        .users.map((user) => user.username);

    const page = await newConsolePage(browser, `https://localhost:${adminPort}/conf`);
    await signIn(page, { username: 'admin', password: PASSWORD });
    await page.goto(`https://localhost:${adminPort}/conf/backups`);
    const row = page.locator('[data-testid="backup-row"]').first();
    await row.getByTestId('backup-restore-open').click();
    const form = page.getByTestId('backup-restore-form');
    await form.getByTestId('backup-restore-passphrase').fill('not the right passphrase');
    assert.equal(await form.getByTestId('backup-restore').isDisabled(), true, 'confirm first');
    await form.getByTestId('backup-restore-confirm').check();
    await form.getByTestId('backup-restore').click();
    await form.getByText(/passphrase is wrong/).waitFor();
    assert.ok((await usernames(server.client)).includes('after-backup'), 'nothing changed');

    await form.getByTestId('backup-restore-passphrase').fill(PASSPHRASE);
    await form.getByTestId('backup-restore').click();
    // The page follows the restart; the browser's sign-in came after the backup, so it is gone.
    await page
      .locator('[data-testid="restore-status"][data-state="signed-out"]')
      .waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await signIn(page, { username: 'admin', password: PASSWORD });
    await page.goto(`https://localhost:${adminPort}/conf/backups`);
    await page.locator('[data-testid="restore-status"][data-state="restored"]').waitFor();

    const after = await signedIn(`https://localhost:${port}`);
    assert.deepEqual((await usernames(after)).sort(), ['admin']);
    const audit = (await after.request('GET', '/api/v1/audit?action=backup.restored&limit=5')).json(
      AuditPage,
    );
    assert.equal(audit.entries[0]?.actor, 'admin', 'the restore is in the restored audit log');
    // Enrolled before the backup: the agent reconnects to the restored server by itself.
    await deviceOnline(after);
  } finally {
    await stopProcess(agent);
    await stopProcess(server.process);
  }
});
