import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { AgentBuildInfo, AuditPage, ErrorBody, UpgradeOverview } from '@tether/protocol';
import { adminClient } from '../support/admin-client.js';
import type { HttpsClient } from '../support/https-client.js';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// Uploading agent builds through the admin API: the archive is streamed to disk, unpacked
// with only files and folders, checked, and listed only when whole; a bad archive changes nothing.

const run = promisify(execFile);

let server: TestServer;
let conf: HttpsClient;
let scratch: string;

/** The first bytes of a Linux x86-64 executable: what the build check reads of the runtime. */
function elfHeader(): Buffer {
  const header = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(header);
  header.writeUInt16LE(0x3e, 18);
  return header;
}

/** An unpacked build folder of `version`: launcher, runtime, entry point, a dependency. */
async function buildFolder(version: string, extra?: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(scratch, 'build-'));
  await mkdir(join(dir, `versions/${version}/runtime`), { recursive: true });
  await mkdir(join(dir, `versions/${version}/app/node_modules/x`), { recursive: true });
  await writeFile(join(dir, 'tether-agent'), '#!/bin/sh\n', { mode: 0o755 });
  await writeFile(join(dir, `versions/${version}/runtime/node`), elfHeader(), { mode: 0o755 });
  await writeFile(join(dir, `versions/${version}/app/tether-agent.mjs`), 'export {};\n');
  await writeFile(join(dir, `versions/${version}/app/node_modules/x/index.js`), 'x');
  await writeFile(join(dir, 'installer.json'), '{}'); // a package's own file: not in a build
  await extra?.(dir);
  return dir;
}

/** `tar czf` of a folder's content, as an administrator would make it (`./`-prefixed paths). */
async function tarGz(dir: string, what = '.'): Promise<Buffer> {
  const { stdout } = await run('tar', ['-czf', '-', '-C', dir, what], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** POSTs raw bytes to the admin listener, as the console's file upload does. */
function upload(body: Buffer, query = ''): Promise<{ status: number; text: string }> {
  const url = new URL(`/conf/api/upgrades/builds${query}`, server.adminUrl);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        ca: server.ca,
        headers: {
          origin: url.origin,
          'content-type': 'application/gzip',
          cookie: conf.cookie ?? '',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function builds() {
  return (await conf.request('GET', '/conf/api/upgrades')).json(UpgradeOverview).builds;
}

/** The builds folder holds builds only: no staging folder is left behind by any upload. */
async function assertNoStaging(): Promise<void> {
  const entries = await readdir(join(server.dataDir, 'agent-builds')).catch(() => []);
  assert.deepEqual(
    entries.filter((entry) => entry.startsWith('.')),
    [],
  );
}

before(async () => {
  server = await createTestServer();
  conf = adminClient(server);
  scratch = await mkdtemp(join(tmpdir(), 'tether-build-upload-'));
});

after(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

test('an uploaded build archive is checked, listed and audited; the same version again conflicts unless replaced', async () => {
  const archive = await tarGz(await buildFolder('0.9.0-upload.1'));
  const added = await upload(archive);
  assert.equal(added.status, 201, added.text);
  const info = AgentBuildInfo.parse(JSON.parse(added.text));
  assert.equal(info.version, '0.9.0-upload.1');
  assert.equal(info.arch, 'x64');
  assert.equal(info.source, 'upload');
  const listed = await builds();
  assert.ok(listed.some((build) => build.version === '0.9.0-upload.1'));

  const again = await upload(archive);
  assert.equal(again.status, 409, again.text);
  const replaced = await upload(archive, '?replace=true');
  assert.equal(replaced.status, 201, replaced.text);

  // A tarball with one top folder (`tar czf b.tar.gz tether-agent/`) is a build too.
  const wrapped = await mkdtemp(join(scratch, 'wrapped-'));
  const inner = await buildFolder('0.9.0-upload.2');
  await run('mv', [inner, join(wrapped, 'tether-agent')]);
  const second = await upload(await tarGz(wrapped, 'tether-agent'));
  assert.equal(second.status, 201, second.text);
  await assertNoStaging();

  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=200')).json(AuditPage);
  assert.ok(
    audit.entries.some(
      (event) =>
        event.target === 'upgrades.builds' &&
        JSON.stringify(event.details).includes('0.9.0-upload.1'),
    ),
  );
});

test('bad archives are refused with a reason and change nothing', async () => {
  const before = await builds();
  const outside = await buildFolder('0.9.1-bad', async (dir) => {
    await writeFile(join(dir, 'evil'), 'x');
  });
  const escaping = await run(
    'tar',
    ['-czf', '-', '-C', outside, '--transform', 's,^./evil,../evil,', '.'],
    {
      encoding: 'buffer',
    },
  );
  const linked = await buildFolder('0.9.2-bad', (dir) => symlink('/etc/passwd', join(dir, 'link')));
  const noRuntime = await buildFolder('0.9.3-bad', (dir) =>
    rm(join(dir, 'versions/0.9.3-bad/runtime/node')),
  );
  const good = await tarGz(await buildFolder('0.9.4-bad'));
  const cases: [string, Buffer, RegExp][] = [
    ['not gzip', Buffer.from('hello, this is not an archive'), /gzip/],
    ['gzip of no tar', gzipSync(Buffer.alloc(2048, 7)), /not a tar file|checksum/],
    ['truncated', good.subarray(0, Math.floor(good.length / 2)), /gzip|ends in the middle/],
    ['a path outside', escaping.stdout, /outside itself/],
    ['a symbolic link', await tarGz(linked), /not a regular file/],
    ['no runtime', await tarGz(noRuntime), /missing: not an agent build/],
    ['empty', Buffer.alloc(0), /empty/],
  ];
  for (const [name, body, reason] of cases) {
    const refused = await upload(body);
    assert.equal(refused.status, 422, `${name}: ${refused.text}`);
    const error = ErrorBody.parse(JSON.parse(refused.text));
    assert.equal(error.code, 'INVALID_INPUT', name);
    assert.match(error.message, reason, name);
    assert.doesNotMatch(error.message, /agent-builds|\.upload-/, `${name} names no server path`);
  }
  assert.deepEqual(await builds(), before);
  await assertNoStaging();
});

test('tether admin upgrades add-build takes the archive too, checked the same way', async () => {
  const file = join(scratch, 'cli-build.tar.gz');
  await writeFile(file, await tarGz(await buildFolder('0.9.6-cli')));
  const added = await runCli([
    'admin',
    'upgrades',
    'add-build',
    file,
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /Added agent 0\.9\.6-cli for linux\/x64/);
  assert.ok((await builds()).some((build) => build.version === '0.9.6-cli'));
  await assertNoStaging();
});

test('an uploaded build is deleted, but not while it is the upgrade target', async () => {
  const added = await upload(await tarGz(await buildFolder('0.9.5-delete')));
  assert.equal(added.status, 201, added.text);
  const saved = await conf.request('PUT', '/conf/api/upgrades/settings', {
    mode: 'disabled',
    targetVersion: '0.9.5-delete',
    bandwidthBytesPerSec: 10 * 1024 * 1024,
    maxConcurrent: 10,
  });
  assert.equal(saved.status, 200, saved.text);
  const refused = await conf.request('DELETE', '/conf/api/upgrades/builds/0.9.5-delete/x64');
  assert.equal(refused.status, 409, refused.text);
  assert.match(refused.text, /upgrade target/);
  await conf.request('PUT', '/conf/api/upgrades/settings', {
    mode: 'disabled',
    bandwidthBytesPerSec: 10 * 1024 * 1024,
    maxConcurrent: 10,
  });
  const removed = await conf.request('DELETE', '/conf/api/upgrades/builds/0.9.5-delete/x64');
  assert.equal(removed.status, 204, removed.text);
  assert.ok(!(await builds()).some((build) => build.version === '0.9.5-delete'));
  const missing = await conf.request('DELETE', '/conf/api/upgrades/builds/0.9.5-delete/x64');
  assert.equal(missing.status, 404, missing.text);
});
