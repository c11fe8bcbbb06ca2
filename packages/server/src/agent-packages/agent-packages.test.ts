import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { DEFAULT_INSTALLER_ATTRIBUTES, TestClock, type AgentPackageFile } from '@tether/protocol';
import type { InstallerConfig } from '@tether/protocol/agent-package';
import { checkPackageDir, filesIn, run } from '../../test/support/agent-package-check.js';
import { identityFrom } from '../keys/server-identity.js';
import { createLogger } from '../logging.js';
import { createAgentBuilds } from './agent-builds-store.js';
import { isLoopbackUrl } from './agent-package-service.js';
import { packageExtras } from './package-parts.js';
import { createPackageFiles, type PackageInput } from './package-files.js';
import { ustarHeader } from './ustar.js';

const identity = identityFrom(generateKeyPairSync('ed25519').privateKey);
const launcher = fileURLToPath(new URL('../../../agent/launcher/tether-agent.sh', import.meta.url));
const log = createLogger({ level: 'silent' });
let root = '';

/**
 * A stand-in for node: records how the launcher ran it (the agent's two V8 flags, the app, its
 * arguments), and what the package dir holds.
 */
const STUB_RUNTIME = `#!/bin/sh
{ printf '%s\\n' "$@"; [ -f "$6/installer.json" ] && echo has-installer-json; } > "$STUB_RECORD"
exit "\${STUB_EXIT:-0}"
`;

async function smallBuildInputs(): Promise<{ runtime: string; appDir: string }> {
  const appDir = join(root, 'app');
  await mkdir(appDir, { recursive: true });
  await writeFile(join(appDir, 'tether-agent.mjs'), "import './chunk-A.mjs';\n");
  await writeFile(join(appDir, 'chunk-A.mjs'), 'export {};\n');
  await writeFile(join(appDir, 'chunk-A.mjs.map'), '{}');
  const runtime = join(root, 'node-stub');
  await writeFile(runtime, STUB_RUNTIME);
  await chmod(runtime, 0o755);
  return { runtime, appDir };
}

function buildsIn(dataDir: string, inputs: { runtime: string; appDir: string }) {
  return createAgentBuilds({
    dataDir,
    clock: new TestClock(Date.UTC(2026, 11, 6)),
    log,
    version: '9.8.7',
    inputs: () => ({ ...inputs, launcher, resolveFrom: fileURLToPath(import.meta.url) }),
  });
}

const config: InstallerConfig = {
  format: 1,
  installerId: '4f0c2c5e-3f43-4d1f-9a59-7a4f1e2b9c11',
  serverUrl: 'https://tether.example.test:8443',
  token: 'tet1.test-token',
  attributes: { ...DEFAULT_INSTALLER_ATTRIBUTES, group: 'Servers', tag: 'web' },
  overridable: ['tag'],
  expiresAt: '2027-01-01T00:00:00.000Z',
};

let input: PackageInput;
let packageFiles: ReturnType<typeof createPackageFiles>;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-agent-packages-'));
  const builds = buildsIn(join(root, 'data'), await smallBuildInputs());
  const build = await builds.own();
  packageFiles = createPackageFiles({ builds, cacheDir: join(root, 'data', 'agent-packages') });
  input = {
    build,
    extras: packageExtras({ build, config, identity, createdAt: new Date(Date.UTC(2026, 11, 6)) }),
    origin: {
      version: build.version,
      arch: build.arch,
      serverUrl: config.serverUrl,
      installerId: config.installerId,
    },
    runUrl: 'https://tether.example.test:8443/install/id/key/tether-agent.run',
    tlsPin: 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  };
});

after(() => rm(root, { recursive: true, force: true }));

/** Writes a package file to disk, checking its announced size. */
async function save(file: AgentPackageFile): Promise<string> {
  const made = await packageFiles.make(file, input);
  const path = join(root, `${Date.now()}-${Math.random()}-${file}`);
  await pipeline(made.open(), createWriteStream(path));
  assert.equal((await readFile(path)).length, made.bytes, `${file}: size announced = size sent`);
  return path;
}

async function unpackTarball(path: string): Promise<string> {
  const dir = await mkdtemp(join(root, 'unpacked-'));
  await run('tar', ['-xzf', path, '-C', dir]);
  return dir;
}

test('the own build holds the launcher, the runtime, the app without maps and pruned node-pty', async () => {
  const files = Object.keys(input.build.files);
  assert.ok(files.includes('tether-agent'));
  assert.ok(files.includes('versions/9.8.7/runtime/node'));
  assert.ok(files.includes('versions/9.8.7/app/tether-agent.mjs'));
  assert.ok(!files.some((file) => file.endsWith('.map')), 'no source maps');
  assert.ok(files.includes('versions/9.8.7/app/node_modules/node-pty/build/Release/pty.node'));
  assert.ok(!files.some((file) => /node-pty\/(src|deps|third_party)\//.test(file)));
  assert.ok(!files.some((file) => file.endsWith('.test.js')));
  // No end-of-archive: a package appends its own entries.
  const body = gunzipSync(
    await readFile(
      join(root, 'data', 'agent-builds', `9.8.7-linux-${process.arch}`, 'body.tar.gz'),
    ),
  );
  assert.ok(body.length % 512 === 0);
  assert.ok(
    !body.subarray(-512).every((byte) => byte === 0),
    'the body ends with content, not the end blocks',
  );
});

test('the own build is reused while its files stay, and made again when the app changes', async () => {
  const dataDir = join(root, 'data-reuse');
  const inputs = await smallBuildInputs();
  const first = await buildsIn(dataDir, inputs).own();
  const again = await buildsIn(dataDir, inputs).own();
  assert.equal(again.addedAt, first.addedAt);
  assert.deepEqual(await buildsIn(dataDir, inputs).list(), [first]);
  const later = new Date(Date.now() + 60_000);
  await writeFile(join(inputs.appDir, 'chunk-A.mjs'), 'export const changed = 1;\n');
  await utimes(join(inputs.appDir, 'chunk-A.mjs'), later, later);
  const rebuilt = await buildsIn(dataDir, inputs).own();
  assert.notEqual(
    rebuilt.files['versions/9.8.7/app/chunk-A.mjs'],
    first.files['versions/9.8.7/app/chunk-A.mjs'],
  );
});

test('the .tar.gz unpacks to a package whose signed manifest covers every file', async () => {
  const dir = await unpackTarball(await save('tether-agent.tar.gz'));
  const { manifest, config: inside } = await checkPackageDir(dir, identity.publicKeyHash);
  assert.equal(manifest.version, '9.8.7');
  assert.deepEqual(inside, config);
  assert.ok(
    (await readFile(join(dir, 'README.txt'), 'utf8')).includes('sudo ./tether-agent install'),
  );
  const { stdout } = await run('stat', [
    '-c',
    '%a',
    join(dir, 'tether-agent'),
    join(dir, 'versions/9.8.7/runtime/node'),
  ]);
  assert.deepEqual(stdout.trim().split('\n'), ['755', '755']);
});

test('one changed byte makes the package fail the check', async () => {
  const dir = await unpackTarball(await save('tether-agent.tar.gz'));
  const entry = join(dir, 'versions/9.8.7/app/tether-agent.mjs');
  const bytes = await readFile(entry);
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  await writeFile(entry, bytes);
  await assert.rejects(
    checkPackageDir(dir, identity.publicKeyHash),
    /tether-agent\.mjs was changed/,
  );
  const other = identityFrom(generateKeyPairSync('ed25519').privateKey);
  const clean = await unpackTarball(await save('tether-agent.tar.gz'));
  await assert.rejects(checkPackageDir(clean, other.publicKeyHash), /another key/);
});

test('the same installer gives the same bytes', async () => {
  const [a, b] = [await save('tether-agent.tar.gz'), await save('tether-agent.tar.gz')];
  assert.deepEqual(await readFile(a), await readFile(b));
});

test('sh tether-agent.run unpacks, runs the install with its arguments, passes its status on and cleans up', async () => {
  const path = await save('tether-agent.run');
  const tmp = await mkdtemp(join(root, 'run-tmp-'));
  const record = join(root, 'run-record');
  const env = { ...process.env, TMPDIR: tmp, STUB_RECORD: record };
  await run('sh', [path, '--silent', 'JC_TAG=db'], { env });
  const [firstFlag, secondFlag, ...lines] = (await readFile(record, 'utf8')).trim().split('\n');
  assert.match(
    `${firstFlag} ${secondFlag}`,
    /^--semi-space-growth-factor=1 --interrupt-budget=\d+$/,
  );
  assert.match(lines[0] ?? '', /\/versions\/9\.8\.7\/app\/tether-agent\.mjs$/);
  assert.equal(lines[1], 'install');
  assert.equal(lines[2], '--package-dir');
  assert.ok(lines[3]?.startsWith(tmp));
  assert.deepEqual(lines.slice(4), ['--silent', 'JC_TAG=db', 'has-installer-json']);
  assert.deepEqual(await readdir(tmp), [], 'the temporary folder is gone');
  await assert.rejects(
    run('sh', [path], { env: { ...env, STUB_EXIT: '3' } }),
    (error: { code?: number }) => error.code === 3,
  );
  assert.deepEqual(await readdir(tmp), []);
});

test('the .deb is a Debian package with the package under /usr/lib/tether-agent/package and a postinst that installs it', async () => {
  const path = await save('tether-agent.deb');
  const { stdout: info } = await run('dpkg-deb', ['--info', path]);
  assert.match(info, /Package: tether-agent/);
  assert.match(info, /Version: 9\.8\.7/);
  assert.match(info, /Architecture: (amd64|arm64)/);
  const dir = await mkdtemp(join(root, 'deb-'));
  await run('dpkg-deb', ['-x', path, dir]);
  await checkPackageDir(join(dir, 'usr/lib/tether-agent/package'), identity.publicKeyHash);
  assert.deepEqual(await readdir(dir), ['usr']);
  await run('dpkg-deb', ['-e', path, join(dir, 'DEBIAN')]);
  const postinst = await readFile(join(dir, 'DEBIAN', 'postinst'), 'utf8');
  assert.match(
    postinst,
    /\/usr\/lib\/tether-agent\/package\/tether-agent install --package-dir \/usr\/lib\/tether-agent\/package/,
  );
  assert.deepEqual((await filesIn(join(dir, 'DEBIAN'))).sort(), ['control', 'postinst', 'prerm']);
});

test('install.sh downloads the .run with the pinned TLS key, never a plain -k, and passes its arguments', async () => {
  const script = await readFile(await save('install.sh'), 'utf8');
  assert.match(script, /curl -fsSL -k --pinnedpubkey 'sha256\/\/A+=' -o "\$run" "\$url"/);
  assert.match(
    script,
    /url='https:\/\/tether\.example\.test:8443\/install\/id\/key\/tether-agent\.run'/,
  );
  assert.match(script, /sh "\$run" "\$@"/);
  await run('sh', ['-n', '-c', script]);
  const trusted = await packageFiles.make('install.sh', { ...input, tlsPin: undefined });
  const chunks: Buffer[] = [];
  for await (const chunk of trusted.open()) chunks.push(chunk as Buffer);
  assert.doesNotMatch(Buffer.concat(chunks).toString(), /-k|pinnedpubkey/);
});

test('tar entries with long paths use the ustar prefix', async () => {
  const path = `${'a'.repeat(90)}/${'b'.repeat(90)}/file.txt`;
  const header = ustarHeader({ path, type: 'file', mode: 0o644, size: 0, mtimeSec: 0 });
  const dir = await mkdtemp(join(root, 'long-'));
  const archive = join(dir, 'long.tar');
  await writeFile(archive, Buffer.concat([header, Buffer.alloc(1024)]));
  const { stdout } = await run('tar', ['-tf', archive]);
  assert.equal(stdout.trim(), path);
});

test('loopback addresses are recognised, so the downloads can warn about them', () => {
  for (const url of [
    'https://localhost:8443',
    'https://127.0.0.1',
    'https://[::1]:8443',
    'https://a.localhost',
  ]) {
    assert.ok(isLoopbackUrl(url), url);
  }
  for (const url of ['https://tether.example.com', 'https://10.0.0.5:8443', 'https://[fe80::1]']) {
    assert.ok(!isLoopbackUrl(url), url);
  }
});
