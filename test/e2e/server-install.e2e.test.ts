import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { cliArgs, runCli, stopProcess, waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';

const run = promisify(execFile);
const UNIT = 'etc/systemd/system/tether.service';
const CONFIG = 'etc/tether/config.json';
const DATA = 'var/lib/tether';
const ENTRY = 'opt/tether/packages/cli/dist/tether.mjs';

const REQUIRED = {
  User: 'tether',
  Group: 'tether',
  NoNewPrivileges: 'yes',
  ProtectSystem: 'strict',
  ProtectHome: 'yes',
  PrivateTmp: 'yes',
  ReadWritePaths: '/var/lib/tether',
  CapabilityBoundingSet: 'CAP_NET_BIND_SERVICE',
  AmbientCapabilities: 'CAP_NET_BIND_SERVICE',
  RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
};

/** A unit file's `[Service]` keys (the last value of a repeated key). */
function serviceSection(unit: string): Map<string, string> {
  const keys = new Map<string, string>();
  let section = '';
  for (const line of unit.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1] ?? '';
    else if (section === 'Service') {
      const at = line.indexOf('=');
      keys.set(line.slice(0, at), line.slice(at + 1));
    }
  }
  return keys;
}

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A checkout of its own to install from: the built bundle and console copied, node_modules
 * linked. A copy is retried until it is a whole bundle that runs (`npm run build` by hand
 * removes packages/cli/dist first, and may run meanwhile).
 */
async function snapshotCheckout(): Promise<string> {
  const checkout = await mkdtemp(join(tmpdir(), 'tether-checkout-'));
  await waitFor('a whole bundle to install from', async () => {
    await rm(join(checkout, 'packages'), { recursive: true, force: true });
    try {
      for (const dir of ['packages/cli/dist', 'packages/console/dist'])
        await cp(join(REPO, dir), join(checkout, dir), { recursive: true });
      await run(process.execPath, [join(checkout, 'packages/cli/dist/tether.mjs'), '--help']);
      return true;
    } catch {
      // Caught mid-rebuild: copy again.
      return undefined;
    }
  });
  await symlink(join(REPO, 'node_modules'), join(checkout, 'node_modules'));
  return checkout;
}

let root: string;
let checkout: string;
const install = (...args: string[]) =>
  runCli(['server', 'install', '--root', root, '--from', checkout, ...args]);
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-install-'));
  checkout = await snapshotCheckout();
});
after(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(checkout, { recursive: true, force: true });
});

test('install writes a hardened unit running the installed bundle as the tether account', async () => {
  const result = await install();
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /systemctl skipped \(--root\)/);
  assert.match(result.stdout, /not created under --root/, 'says why no account was created');
  assert.match(result.stdout, /initial-admin-password/, 'says where the first password is');

  const unit = serviceSection(await readFile(join(root, UNIT), 'utf8'));
  for (const [key, value] of Object.entries(REQUIRED)) assert.equal(unit.get(key), value, key);
  const exec = (unit.get('ExecStart') ?? '').split(' ');
  assert.equal(exec[0], process.execPath, 'the node that ran the install');
  assert.equal(exec[1], `/${ENTRY}`);
  assert.deepEqual(exec.slice(2, 5), ['server', '--config', '/etc/tether/config.json']);
  assert.ok(existsSync(join(root, ENTRY)), 'ExecStart names a file the install wrote');
  const sysusers = await readFile(join(root, 'usr/lib/sysusers.d/tether.conf'), 'utf8');
  assert.match(sysusers, /^u tether - "Tether server" \/var\/lib\/tether/m);

  const config = JSON.parse(await readFile(join(root, CONFIG), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(
    [config.listen, config.http, config.admin, config.dataDir],
    [
      { host: '0.0.0.0', port: 443 },
      { host: '0.0.0.0', port: 80 },
      { host: '0.0.0.0', port: 7615 },
      '/var/lib/tether',
    ],
  );
  assert.equal(await mode(join(root, CONFIG)), 0o640);
  assert.equal(await mode(join(root, DATA)), 0o750);
});

test("the installed program serves on its own, with the unit's arguments", async () => {
  const modules = join(root, 'opt/tether/node_modules');
  for (const name of ['better-sqlite3', 'bindings', 'bufferutil', 'ssh2'])
    assert.ok(existsSync(join(modules, name, 'package.json')), `${name} is installed`);
  // The unit's command line, with the prefix, and loopback ports free on any machine.
  const dataDir = join(root, DATA);
  const passwordFile = join(dataDir, 'initial-admin-password');
  const server = spawn(
    process.execPath,
    [
      join(root, ENTRY),
      'server',
      '--config',
      join(root, CONFIG),
      '--initial-password-file',
      passwordFile,
      '--data-dir',
      dataDir,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--http-port',
      '0',
      '--admin-port',
      '0',
    ],
    // Outside the checkout, so only the installed node_modules can be found.
    { cwd: root, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    // The start banner's last line says where the password is; the lines before it may arrive
    // in an earlier chunk of output.
    const url = await waitFor('the installed server to print its start banner', () => {
      if (server.exitCode !== null) throw new Error(`the server exited: ${output}`);
      return /Password: +in .*initial-admin-password/.test(output)
        ? /Console: +(https:\S+)/.exec(output)?.[1]
        : undefined;
    });
    assert.doesNotMatch(output, /Password: +\S{16,} /, 'the password is not printed');
    assert.equal(await mode(passwordFile), 0o600);
    const ca = await readFile(join(dataDir, 'keys/tls-self-signed.crt'), 'utf8');
    const health = await new HttpsClient(url, ca).request('GET', '/api/v1/health');
    assert.equal(health.status, 200, health.text);
  } finally {
    await stopProcess(server);
  }
});

test('the unit passes systemd-analyze verify', async (t) => {
  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find(existsSync);
  if (!analyze) {
    t.skip('systemd-analyze is not installed on this machine');
    return;
  }
  const verify = await run(analyze, ['verify', join(root, UNIT)]).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: unknown) => ({ code: 1, stderr: String((error as { stderr?: string }).stderr) }),
  );
  assert.equal(verify.code, 0, verify.stderr);
  // Other units of the machine may draw warnings; none may name ours.
  const ours = verify.stderr.split('\n').filter((line) => line.includes('tether.service'));
  assert.deepEqual(ours, [], 'no warning about the unit');
  const security = await run(analyze, ['security', '--offline=yes', join(root, UNIT)]);
  const exposure = /Overall exposure level for tether\.service: ([\d.]+)/.exec(security.stdout);
  assert.ok(exposure, security.stdout);
  assert.ok(Number(exposure[1]) <= 2.5, `exposure ${exposure[1]} is at most 2.5 ("OK")`);
});

test("install again keeps the administrator's config and is otherwise the same", async () => {
  const edited = '{ "dataDir": "/var/lib/tether", "listen": { "host": "::", "port": 8443 } }\n';
  await writeFile(join(root, CONFIG), edited);
  await writeFile(join(root, DATA, 'tether.db'), 'data');
  const unitBefore = await readFile(join(root, UNIT), 'utf8');
  const result = await install();
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /exists and is kept/);
  assert.equal(await readFile(join(root, CONFIG), 'utf8'), edited);
  assert.equal(await readFile(join(root, UNIT), 'utf8'), unitBefore);
  assert.equal(await readFile(join(root, DATA, 'tether.db'), 'utf8'), 'data');
});

test('uninstall removes unit and program and keeps data and config; --purge removes them', async () => {
  const kept = await runCli(['server', 'uninstall', '--root', root]);
  assert.equal(kept.code, 0, kept.stderr);
  assert.ok(!existsSync(join(root, UNIT)));
  assert.ok(!existsSync(join(root, 'opt/tether')));
  assert.ok(existsSync(join(root, CONFIG)), 'config kept');
  assert.ok(existsSync(join(root, DATA, 'tether.db')), 'data kept');
  assert.match(kept.stdout, /--purge removes them/);

  const again = await runCli(['server', 'uninstall', '--root', root]);
  assert.equal(again.code, 0, `uninstall twice is fine: ${again.stderr}`);

  const purged = await runCli(['server', 'uninstall', '--root', root, '--purge']);
  assert.equal(purged.code, 0, purged.stderr);
  assert.ok(!existsSync(join(root, DATA)), 'data purged');
  assert.ok(!existsSync(join(root, 'etc/tether')), 'config purged');
});

test('a program directory that holds something else is never removed', async () => {
  await writeFile(join(root, 'marker'), 'x');
  const result = await runCli(['server', 'uninstall', '--root', root, '--program-dir', '/']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /holds no Tether program/);
  assert.ok(existsSync(join(root, 'marker')));
});

test('install and uninstall without root say so, and touch nothing', async (t) => {
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);
  if (process.getuid?.() !== 0 || !setpriv) {
    t.skip('needs root and setpriv to run the command as another user');
    return;
  }
  for (const verb of ['install', 'uninstall']) {
    const asNobody = [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      process.execPath,
      ...cliArgs(['server', verb]),
    ];
    const result: { code: number; stderr: string } = await run(setpriv, asNobody).then(
      () => ({ code: 0, stderr: '' }),
      (error: unknown) => error as { code: number; stderr: string },
    );
    assert.equal(result.code, 1, verb);
    assert.match(result.stderr, /run it as root \(sudo\), or give --root DIR/, verb);
  }
});

test('a bad option is refused before anything is written', async () => {
  const fresh = await mkdtemp(join(tmpdir(), 'tether-install-bad-'));
  try {
    const badUrl = await runCli(['server', 'install', '--root', fresh, '--public-url', 'http://x']);
    assert.equal(badUrl.code, 1);
    assert.match(badUrl.stderr, /publicUrl/);
    const badPort = await runCli(['server', 'install', '--root', fresh, '--http-port', '0']);
    assert.equal(badPort.code, 1);
    assert.match(badPort.stderr, /--http-port takes a port from 1 to 65535/);
    assert.ok(!existsSync(join(fresh, 'etc')), 'nothing written');
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
});
