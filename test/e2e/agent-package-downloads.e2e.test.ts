import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { AgentPackageDownloads, AuditPage, type ErrorBody } from '@tether/protocol';
import { createLogger } from '@tether/server';
import { checkPackageDir, run } from '../../packages/server/test/support/agent-package-check.js';
import { runCli } from '../support/cli.js';
import { copyMinbaseRoot, minbaseUnavailable } from '../support/minbase-root.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let work = '';
let logged = '';

before(async () => {
  const lines = new PassThrough();
  lines.on('data', (chunk: Buffer) => (logged += chunk.toString()));
  server = await createTestServer({ log: createLogger({ level: 'info', destination: lines }) });
  work = await mkdtemp(join(tmpdir(), 'tether-package-downloads-'));
});

after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

async function downloadsOf(installerId: string): Promise<AgentPackageDownloads> {
  const response = await server.admin.request('GET', `/api/v1/installers/${installerId}/downloads`);
  assert.equal(response.status, 200, response.text);
  return response.json(AgentPackageDownloads);
}

/** The one-liner's own curl command (pinned TLS key), saving to a file instead of piping. */
async function curl(oneLiner: string, url: string, output: string): Promise<number> {
  const pin = /--pinnedpubkey '([^']+)'/.exec(oneLiner)?.[1];
  assert.ok(pin, 'the one-liner pins the self-signed certificate’s key');
  const { stdout } = await run('curl', [
    '-fsSL',
    '-k',
    '--pinnedpubkey',
    pin,
    '-o',
    output,
    '-w',
    '%{http_code}',
    url,
  ]);
  return Number(stdout);
}

test(
  'an installer lists its one-liner and packages with exact sizes, and warns about a loopback address',
  { timeout: 300_000 },
  async () => {
    const { installer } = await server.createInstaller();
    const downloads = await downloadsOf(installer.id);
    assert.deepEqual(
      downloads.files.map((file) => file.file),
      ['install.sh', 'tether-agent.run', 'tether-agent.deb', 'tether-agent.tar.gz'],
    );
    assert.match(
      downloads.oneLiner,
      /^curl -fsSL -k --pinnedpubkey 'sha256\/\/[A-Za-z0-9+/]+=' 'https:\/\/localhost:\d+\/install\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{32}\/install\.sh' \| sudo sh$/,
    );
    assert.match(downloads.warning ?? '', /loopback address/);
    assert.equal(downloads.serverUrl, server.server.context.publicUrl());
    for (const file of downloads.files) {
      const path = join(work, `${installer.id}-${file.file}`);
      assert.equal(await curl(downloads.oneLiner, file.url, path), 200);
      assert.equal(
        (await stat(path)).size,
        file.bytes,
        `${file.file}: listed size = downloaded size`,
      );
    }
    const runSize = downloads.files.find((file) => file.file === 'tether-agent.run')?.bytes ?? 0;
    assert.ok(runSize > 20 * 2 ** 20, 'the .run carries a Node runtime');
  },
);

test(
  'the downloaded package is signed by the server key, carries the installer token and runs in a Debian without Node',
  { timeout: 300_000 },
  async (t) => {
    const created = await server.createInstaller();
    const downloads = await downloadsOf(created.installer.id);
    const tarball = downloads.files.find((file) => file.file === 'tether-agent.tar.gz');
    assert.ok(tarball);
    const dir = join(work, 'unpacked');
    await mkdir(dir);
    await curl(downloads.oneLiner, tarball.url, join(work, 'package.tar.gz'));
    await run('tar', ['-xzf', join(work, 'package.tar.gz'), '-C', dir]);
    const { config } = await checkPackageDir(dir, server.server.context.identity.publicKeyHash);
    assert.equal(config.token, created.token, 'the same token as at creation');
    assert.equal(config.serverUrl, server.server.context.publicUrl());
    assert.equal(config.attributes.group, 'Test devices');

    const skip = minbaseUnavailable();
    if (skip) return t.skip(skip);
    const root = await copyMinbaseRoot();
    try {
      await assert.rejects(root.chroot(['node', '--version']), 'the root has no Node');
      await run('cp', ['-a', dir, join(root.dir, 'tmp/package')]);
      const started = Date.now();
      const { stdout } = await root.chroot(['/tmp/package/tether-agent', '--help']);
      t.diagnostic(`packaged agent --help in the minimal Debian: ${Date.now() - started} ms`);
      assert.match(stdout, /tether-agent — the Tether agent/);
    } finally {
      await root.close();
    }
  },
);

test(
  'install.sh fetches the .run with the pinned key and runs it with the one-liner’s arguments',
  { timeout: 300_000 },
  async () => {
    const { installer } = await server.createInstaller();
    const downloads = await downloadsOf(installer.id);
    const script = join(work, 'install.sh');
    await curl(downloads.oneLiner, downloads.files[0]?.url ?? '', script);
    // --help: the packaged agent answers from its temporary folder; nothing is installed here.
    const output = await new Promise<string>((resolve) => {
      execFile('sh', [script, '--help'], (_error, stdout, stderr) => resolve(stdout + stderr));
    });
    assert.match(output, /tether-agent/);
  },
);

test(
  'a public link needs its key, is audited, stops with the installer, and never reaches the log',
  { timeout: 300_000 },
  async () => {
    const { installer } = await server.createInstaller();
    const downloads = await downloadsOf(installer.id);
    const link = new URL(downloads.files[0]?.url ?? '');
    const key = link.pathname.split('/')[3] ?? '';
    const client = server.client();
    const wrong = await client.request('GET', link.pathname.replace(key, 'A'.repeat(32)));
    assert.equal(wrong.status, 404);
    assert.equal((JSON.parse(wrong.text) as ErrorBody).code, 'NOT_FOUND');
    assert.equal((await client.request('GET', link.pathname)).status, 200);
    assert.equal(
      (await client.request('GET', `/api/v1/installers/${installer.id}/downloads/install.sh`))
        .status,
      401,
      'the signed-in route needs a session',
    );
    assert.equal(
      (await server.admin.request('GET', `/api/v1/installers/${installer.id}/downloads/install.sh`))
        .status,
      200,
    );

    const audited = async () =>
      (await server.admin.request('GET', '/api/v1/audit?action=installer.package_downloaded'))
        .json(AuditPage)
        .entries.filter((entry) => entry.target === installer.id);
    assert.deepEqual(
      await audited(),
      [],
      'install.sh carries no token: its downloads are not audited',
    );
    const tarball = new URL(downloads.files[3]?.url ?? '').pathname;
    assert.equal((await client.request('GET', tarball)).status, 200);
    const entries = await audited();
    assert.ok(
      entries.some(
        (entry) =>
          entry.actor === 'public link' &&
          JSON.stringify(entry.details).includes('tether-agent.tar.gz'),
      ),
      'a package download by its public link is audited',
    );

    assert.equal(
      (await server.admin.request('DELETE', `/api/v1/installers/${installer.id}`)).status,
      204,
    );
    const revoked = await client.request('GET', link.pathname);
    assert.equal((JSON.parse(revoked.text) as ErrorBody).code, 'TOKEN_REVOKED');
    const listed = await server.admin.request(
      'GET',
      `/api/v1/installers/${installer.id}/downloads`,
    );
    assert.equal((JSON.parse(listed.text) as ErrorBody).code, 'TOKEN_REVOKED');
    assert.ok(!logged.includes(key), 'the key is not in the server log');
  },
);

test('an expired installer has no downloads', { timeout: 300_000 }, async () => {
  const { installer } = await server.createInstaller({ validForSec: 600 });
  const downloads = await downloadsOf(installer.id);
  server.clock.advance(601_000);
  try {
    const link = new URL(downloads.files[0]?.url ?? '');
    const expired = await server.client().request('GET', link.pathname);
    assert.equal((JSON.parse(expired.text) as ErrorBody).code, 'TOKEN_EXPIRED');
    assert.match((JSON.parse(expired.text) as ErrorBody).message, /extend it or create a new one/);
  } finally {
    server.clock.advance(-601_000);
  }
});

test('the agent build is made once and kept in the data folder', async () => {
  const builds = await server.server.context.agentBuilds.list();
  assert.equal(builds.length, 1);
  const body = await readFile(
    join(
      server.dataDir,
      'agent-builds',
      `${builds[0]?.version}-linux-${process.arch}`,
      'build.json',
    ),
    'utf8',
  );
  assert.match(body, /"source": "server"/);
});

test(
  'tether installer download prints the same one-liner headless and saves a package',
  { timeout: 300_000 },
  async () => {
    const { installer } = await server.createInstaller();
    const downloads = await downloadsOf(installer.id);
    const listed = await runCli([
      'installer',
      'download',
      installer.id,
      '--server-url',
      server.url,
      '--data-dir',
      server.dataDir,
    ]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.includes(downloads.oneLiner), listed.stdout);
    const output = join(work, 'cli-install.sh');
    const saved = await runCli([
      'installer',
      'download',
      installer.id,
      '--file',
      'install.sh',
      '--output',
      output,
      '--server-url',
      server.url,
      '--data-dir',
      server.dataDir,
    ]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal((await stat(output)).size, downloads.files[0]?.bytes);
    const wrong = await runCli([
      'installer',
      'download',
      installer.id,
      '--file',
      'setup.exe',
      '--data-dir',
      server.dataDir,
    ]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /--file must be one of/);
  },
);
