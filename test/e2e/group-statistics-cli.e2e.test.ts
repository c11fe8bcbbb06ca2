import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GroupStatisticsList, StatisticsSettings } from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// Statistics settings per group and agent builds, headless: `tether admin statistics`
// and `tether admin upgrades remove-build` on the server's data directory (few calls: each one
// starts the CLI).

let server: TestServer;

before(async () => {
  server = await createTestServer();
  const created = await server.admin.request('POST', '/api/v1/device-groups', { name: 'Kiosks' });
  assert.equal(created.status, 201, created.text);
});

after(async () => {
  await server.close();
});

const cli = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);

test('tether admin statistics sets the fleet and a group, shows both, and resets the group', async () => {
  const fleet = await cli(
    'admin',
    'statistics',
    'set',
    '--interval',
    '30',
    '--enable',
    'cpu,uptime',
  );
  assert.equal(fleet.code, 0, fleet.stderr);
  const group = await cli('admin', 'statistics', 'set', '--group', 'kiosks', '--enable', 'none');
  assert.equal(group.code, 0, group.stderr);
  // A group without settings of its own starts from the fleet's: the interval is kept.
  assert.match(group.stdout, /group "Kiosks": every 30 s: none/);

  const shown = await cli('admin', 'statistics', 'show');
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /fleet: every 30 s: cpu, uptime/);
  assert.match(shown.stdout, /group "Kiosks": every 30 s: none/);
  assert.match(shown.stdout, /at most 200 samples a second from its agents/);
  const read = (await server.admin.request('GET', '/api/v1/settings/statistics')).json(
    StatisticsSettings,
  );
  assert.deepEqual(read, { intervalSec: 30, enabled: ['cpu', 'uptime'] });
  const groups = (await server.admin.request('GET', '/api/v1/settings/statistics/groups')).json(
    GroupStatisticsList,
  );
  assert.deepEqual(
    groups.groups.map((entry) => [entry.groupName, entry.settings]),
    [['Kiosks', { intervalSec: 30, enabled: [] }]],
  );

  const reset = await cli('admin', 'statistics', 'reset', '--group', 'Kiosks');
  assert.equal(reset.code, 0, reset.stderr);
  const after = (await server.admin.request('GET', '/api/v1/settings/statistics/groups')).json(
    GroupStatisticsList,
  );
  assert.deepEqual(after.groups, []);
});

test('bad statistics settings and unknown groups are refused with a reason', async () => {
  const tooFast = await cli('admin', 'statistics', 'set', '--interval', '1');
  assert.equal(tooFast.code, 1);
  assert.match(tooFast.stderr, /intervalSec/);
  const unknownGroup = await cli(
    'admin',
    'statistics',
    'set',
    '--group',
    'Nope',
    '--interval',
    '60',
  );
  assert.equal(unknownGroup.code, 1);
  assert.match(unknownGroup.stderr, /no device group "Nope"/);
});

test('tether admin upgrades remove-build refuses a build the server does not hold', async () => {
  const missing = await cli('admin', 'upgrades', 'remove-build', '9.9.9', '--arch', 'x64');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /holds no agent 9\.9\.9 for x64/);
});
