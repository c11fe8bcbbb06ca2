import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// `tether devices list` on the data directory of a running server: the list's query headless.
let server: TestServer;

before(async () => {
  server = await createTestServer();
  const { store } = server.server.context;
  for (const group of ['Lyon', 'Paris']) {
    const { installer } = await server.createInstaller({ group });
    for (let n = 0; n < 3; n += 1) {
      const result = await store.devices.enroll({
        installerId: installer.id,
        now: new Date(),
        device: {
          id: randomUUID(),
          name: `${group.toLowerCase()}-${n}`,
          publicKey: 'A'.repeat(43),
          inventory: {
            hostname: `${group.toLowerCase()}-${n}.lan`,
            os: { platform: 'linux', release: '6.1', name: 'Debian GNU/Linux 12', arch: 'x64' },
            agentVersion: n === 0 ? '0.9.0' : '1.0.0',
          },
          enrolledAt: new Date(),
          tags: n === 1 ? ['kiosk'] : [],
        },
      });
      assert.ok(result.ok);
    }
  }
});
after(() => server.close());

const cli = (...args: string[]) =>
  runCli(['devices', 'list', ...args, '--data-dir', server.dataDir]);

test('tether devices list searches, filters, sorts and pages like the API', async () => {
  const filtered = await cli('--group', 'paris', '--tag', 'KIOSK');
  assert.equal(filtered.code, 0, filtered.stderr);
  assert.match(filtered.stdout, /^NAME\tGROUP\tHOSTNAME\tOS\tVERSION\tLAST SEEN\tLOST\tTAGS\tID$/m);
  // Group names are exact: "paris" is not "Paris".
  assert.match(filtered.stdout, /No device of 0 on this page\./);

  const kiosks = await cli('--tag', 'KIOSK', '--sort', 'group', '--desc');
  assert.deepEqual(
    kiosks.stdout
      .split('\n')
      .filter((line) => /\.lan\t/.test(line))
      .map((line) => line.split('\t')[0]),
    ['paris-1', 'lyon-1'],
  );

  const paged = await cli('--search', '.LAN', '--version', '1.0.0', '--limit', '3');
  assert.match(paged.stdout, /^1–3 of 4 \(next: --offset 3\)$/m);

  const json = await cli('--search', 'lyon-2', '--json');
  const parsed = JSON.parse(json.stdout) as { total: number; devices: { name: string }[] };
  assert.deepEqual([parsed.total, parsed.devices[0]?.name], [1, 'lyon-2']);
});

test('tether devices list says where online and presence are known, and refuses a bad limit', async () => {
  const online = await cli('--online', 'true');
  assert.equal(online.code, 1);
  assert.match(online.stderr, /--online needs the running server/);
  const tooMany = await cli('--limit', '5000');
  assert.equal(tooMany.code, 1);
  assert.match(tooMany.stderr, /limit/);
});
