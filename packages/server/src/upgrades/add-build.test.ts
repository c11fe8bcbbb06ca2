import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { addBuildFromFolder } from './add-build.js';
import { createAgentBuilds } from '../agent-packages/agent-builds-store.js';
import { createLogger } from '../logging.js';
import { systemClock } from '../clock.js';

const run = promisify(execFile);

/** The first 20 bytes of a Linux x86-64 executable: enough for the arch to be read. */
function elfHeader(): Buffer {
  const header = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(header);
  header.writeUInt16LE(0x3e, 18);
  return header;
}

test('a build folder is added with every file hashed, and its body unpacks to exactly them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-add-build-'));
  try {
    const source = join(dir, 'package');
    await mkdir(join(source, 'versions/0.3.0/runtime'), { recursive: true });
    await mkdir(join(source, 'versions/0.3.0/app/node_modules/x'), { recursive: true });
    await writeFile(join(source, 'tether-agent'), '#!/bin/sh\n');
    await writeFile(join(source, 'versions/0.3.0/runtime/node'), elfHeader());
    await writeFile(join(source, 'versions/0.3.0/app/tether-agent.mjs'), 'export {};\n');
    await writeFile(join(source, 'versions/0.3.0/app/node_modules/x/index.js'), 'x');
    await writeFile(join(source, 'installer.json'), '{}'); // package-only: not part of a build
    const root = join(dir, 'agent-builds');
    const build = await addBuildFromFolder({ root, dir: source, now: new Date() });
    assert.equal(build.version, '0.3.0');
    assert.equal(build.arch, 'x64');
    assert.deepEqual(Object.keys(build.files).sort(), [
      'tether-agent',
      'versions/0.3.0/app/node_modules/x/index.js',
      'versions/0.3.0/app/tether-agent.mjs',
      'versions/0.3.0/runtime/node',
    ]);
    assert.equal(
      build.files['versions/0.3.0/app/tether-agent.mjs'],
      createHash('sha256').update('export {};\n').digest('hex'),
    );
    const stored = createAgentBuilds({
      dataDir: dirname(root),
      clock: systemClock,
      log: createLogger({ level: 'silent' }),
    });
    assert.deepEqual(await stored.find('0.3.0', 'x64'), build);
    // The body has no end-of-archive (the port's format): tar lists it all the same.
    const body = join(root, '0.3.0-linux-x64', 'body.tar.gz');
    const { stdout } = await run('tar', ['-tzf', body]);
    const listedFiles = stdout
      .trim()
      .split('\n')
      .filter((entry) => !entry.endsWith('/')); // the folders have entries of their own
    assert.deepEqual(listedFiles.sort(), Object.keys(build.files).sort());
    const unzipped = await run('sh', [
      '-c',
      `gzip -dc '${body}' | tail -c 512 | od -An -tx1 | head -1`,
    ]);
    assert.notEqual(unzipped.stdout.trim(), '00 '.repeat(16).trim());
    await assert.rejects(
      addBuildFromFolder({ root, dir: source, now: new Date() }),
      /already holds/,
    );
    assert.ok((await readFile(join(root, '0.3.0-linux-x64', 'build.json'), 'utf8')).length > 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a folder that is not a build is refused and nothing is stored', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-add-build-'));
  try {
    await mkdir(join(dir, 'package/versions/1.0.0/app'), { recursive: true });
    const root = join(dir, 'agent-builds');
    await assert.rejects(
      addBuildFromFolder({ root, dir: join(dir, 'package'), now: new Date() }),
      /missing: not an agent build/,
    );
    const stored = createAgentBuilds({
      dataDir: dirname(root),
      clock: systemClock,
      log: createLogger({ level: 'silent' }),
    });
    assert.deepEqual(await stored.list(), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
