import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorBody, SupportDownload } from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
  await ensureDeviceGroup(server.admin, 'Support');
});
after(() => server.close());

const cli = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);

test('tether adhoc create makes a code the running server’s portal takes; list shows it; end stops it', async () => {
  const help = await cli('adhoc', 'create', '--help');
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /--valid-minutes N/);

  const refused = await cli('adhoc', 'create', '--group', 'Support', '--valid-minutes', '0');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /validMinutes/);

  const created = await cli('adhoc', 'create', '--group', 'Support', '--no-installed-agent');
  assert.equal(created.code, 0, created.stderr);
  const code = /Code: (\d{3} \d{3} \d{3})/.exec(created.stdout)?.[1] ?? '';
  const id = /Session ([0-9a-f-]{36})/.exec(created.stdout)?.[1] ?? '';
  assert.match(created.stdout, /Portal: https:\/\/\S+\/support/);

  const portal = await server.client().request('POST', '/api/v1/support/code', { code });
  assert.equal(portal.status, 200, portal.text);
  const download = portal.json(SupportDownload);
  assert.equal(download.technician, 'admin');
  assert.equal(download.runCommand, 'sh tether-support.run', 'no hand-over: no code passed');

  const listed = await cli('adhoc', 'list');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^${id}\\twaiting\\tSupport\\tadmin\\t`, 'm'));

  const ended = await cli('adhoc', 'end', id);
  assert.equal(ended.code, 0, ended.stderr);
  const again = await server.client().request('POST', '/api/v1/support/code', { code });
  assert.equal(again.json(ErrorBody).code, 'CONFLICT');
});
