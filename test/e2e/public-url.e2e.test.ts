// The public URL (what agents, packages and enrolment commands carry): the admin listener's API
// and `tether admin public-url`, against a real server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuditPage, CreateInstallerResponse, PublicUrlSettings } from '@tether/protocol';
import { adminClient } from '../support/admin-client.js';
import { runCli, waitFor } from '../support/cli.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import type { HttpsClient } from '../support/https-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let conf: HttpsClient;

const current = async (): Promise<PublicUrlSettings> =>
  (await conf.request('GET', '/conf/api/public-url')).json(PublicUrlSettings);

const audited = async () =>
  (await server.admin.request('GET', '/api/v1/audit?action=settings.changed&limit=20'))
    .json(AuditPage)
    .entries.filter((entry) => entry.target === 'public-url');

/** Creates an installer as a browser page of `origin` would (no Origin header: not a browser). */
async function createInstaller(origin?: string) {
  await ensureDeviceGroup(server.admin, 'Test devices');
  return server.admin.request(
    'POST',
    '/api/v1/installers',
    { group: 'Test devices', validForSec: 600 },
    origin === undefined ? {} : { origin },
  );
}

/** The enrolment command of a new installer: it carries the public URL. */
async function enrollCommand(): Promise<string> {
  const created = await createInstaller();
  assert.equal(created.status, 201, created.text);
  return created.json(CreateInstallerResponse).enrollCommand;
}

before(async () => {
  server = await createTestServer();
  conf = adminClient(server);
});
after(async () => {
  await server.close();
});

test('with nothing set, a server listening on loopback only says other machines cannot reach it', async () => {
  const settings = await current();
  const port = new URL(server.url).port;
  assert.equal(settings.effective, `https://localhost:${port}`);
  assert.equal(settings.source, 'detected');
  assert.equal(settings.saved, null);
  assert.match(settings.warnings.join(' '), /localhost is this machine only/);
});

test('an unusable address is refused with the reason; nothing changes and nothing is audited', async () => {
  for (const url of ['http://support.example.com', 'https://support.example.com/tether']) {
    const refused = await conf.request('PUT', '/conf/api/public-url', { url });
    assert.equal(refused.status, 422, refused.text);
    assert.match(refused.text, /INVALID_INPUT/);
    assert.match(refused.text, /https:\/\/|drop "\/tether"/);
  }
  assert.equal((await current()).source, 'detected');
  assert.equal((await audited()).length, 0);
});

test('a saved address is used at once by new installers, and the change is audited', async () => {
  const saved = await conf.request('PUT', '/conf/api/public-url', {
    url: 'https://Support.Example.com:8443/',
  });
  assert.equal(saved.status, 200, saved.text);
  const settings = saved.json(PublicUrlSettings);
  assert.equal(settings.effective, 'https://support.example.com:8443');
  assert.equal(settings.source, 'saved');
  assert.deepEqual(settings.warnings, []);
  assert.match(await enrollCommand(), /--server https:\/\/support\.example\.com:8443 /);
  const [entry] = await audited();
  assert.equal(entry?.actor, 'admin');
  assert.deepEqual(entry.details, {
    saved: 'https://support.example.com:8443',
    previous: null,
    effective: 'https://support.example.com:8443',
    source: 'saved',
  });

  // Pages loaded from the saved address (a proxy that rewrites Host) may change things; others not.
  assert.equal((await createInstaller('https://support.example.com:8443')).status, 201);
  assert.equal((await createInstaller('https://elsewhere.example.com')).status, 403);

  const cleared = await conf.request('PUT', '/conf/api/public-url', { url: null });
  assert.equal(cleared.json(PublicUrlSettings).source, 'detected');
  assert.match(await enrollCommand(), /--server https:\/\/localhost:\d+ /);
});

test('tether admin public-url changes a running server headless; the config file still wins', async () => {
  const dataDir = ['--data-dir', server.dataDir];
  const set = await runCli([
    'admin',
    'public-url',
    'set',
    'https://tether.example.org',
    ...dataDir,
  ]);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /public URL: https:\/\/tether\.example\.org\n/);
  assert.match(set.stdout, /from: +saved/);
  // The running server re-reads it with the other headless settings (every few seconds).
  await waitFor('the server to use the saved address', async () =>
    (await current()).effective === 'https://tether.example.org' ? true : undefined,
  );
  const [entry] = await audited();
  assert.equal(entry?.actor, 'system');
  assert.equal(entry.details.via, 'headless');

  const configured = await runCli(['admin', 'public-url', ...dataDir], {
    env: { TETHER_PUBLIC_URL: 'https://proxy.example.org' },
  });
  assert.equal(configured.code, 0, configured.stderr);
  assert.match(configured.stdout, /public URL: https:\/\/proxy\.example\.org/);
  assert.match(configured.stdout, /saved address is not used while the config file/);

  const bad = await runCli(['admin', 'public-url', 'set', 'ftp://x.example.org', ...dataDir]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /must start with https:\/\//);
  const clear = await runCli(['admin', 'public-url', 'clear', ...dataDir]);
  assert.equal(clear.code, 0, clear.stderr);
  assert.match(clear.stdout, /from: +detected/);
  const help = await runCli(['admin', 'public-url', '--help']);
  assert.match(help.stdout, /tether admin public-url \[show \| set URL \| clear\]/);
});
