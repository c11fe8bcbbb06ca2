import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { DeviceList } from '@tether/protocol';
import {
  createAgentBuild,
  PACKAGE_VERSION,
  writeAgentPackage,
  type AgentBuild,
  type PackageOptions,
} from '../support/agent-package-fixture.js';
import { runCli, stopProcess, waitFor } from '../support/cli.js';
import {
  pathsUnder,
  runProgram,
  serviceKeys,
  startProgram,
} from '../support/install-inspection.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);
const MINBASE = '/var/cache/tether-tests/debian-minbase';

let started: { server?: TestServer; build?: AgentBuild } = {};
const temps: string[] = [];

before(async () => {
  started = { server: await createTestServer() };
  started.build = await createAgentBuild();
});
after(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
  await started.build?.remove();
  await started.server?.close();
});

/** The server and the package build, made once for the file. */
function running(): { server: TestServer; build: AgentBuild } {
  const { server, build } = started;
  if (!server || !build) throw new Error('The test server or the agent build did not start.');
  return { server, build };
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A copy of the minimal Debian (no Node, no compiler) to install into. */
async function systemRoot(): Promise<string> {
  const root = await tempDir('tether-root-');
  await run('cp', ['-a', `${MINBASE}/.`, root]);
  return root;
}

/** An installer's package unpacked at `into` (e.g. inside a system root). */
async function agentPackage(into: string, options: PackageOptions & { group?: string } = {}) {
  const { server, build } = running();
  const installer = await server.createInstaller({
    ...(options.group && { group: options.group }),
    ...(options.overridable && { overridable: options.overridable }),
  });
  return writeAgentPackage(server, build, { ...options, installer, into });
}

async function waitOnline(deviceId: string, agent: ChildProcess & { output: () => string }) {
  return waitFor(
    'the installed agent to come online',
    async () => {
      if (agent.exitCode !== null) throw new Error(`the agent exited: ${agent.output()}`);
      const list = (await running().server.admin.request('GET', '/api/v1/devices')).json(
        DeviceList,
      );
      return list.devices.find((device) => device.id === deviceId && device.online);
    },
    120_000,
  );
}

test('a service install into a minimal Debian without Node runs as its own account and comes online in its group; uninstall leaves nothing', async (t) => {
  const root = await systemRoot();
  const before = await pathsUnder(root);
  // The minimal Debian has no /etc/hosts: the package names the server by its address.
  const serverUrl = running().server.url.replace('//localhost:', '//127.0.0.1:');
  await agentPackage(join(root, 'tmp/pkg'), { group: 'Installed servers', serverUrl });
  const installStart = performance.now();
  const installed = await runProgram('chroot', [
    root,
    '/tmp/pkg/tether-agent',
    'install',
    '--silent',
    '--no-start',
  ]);
  assert.equal(installed.code, 0, installed.stderr);
  t.diagnostic(
    `install (verify, copy, account, enrol, unit): ${Math.round(performance.now() - installStart)} ms`,
  );
  assert.equal(installed.stdout, '', '--silent prints no progress');

  const unit = await readFile(join(root, 'etc/systemd/system/tether-agent.service'), 'utf8');
  const keys = serviceKeys(unit);
  assert.equal(keys.get('User'), 'tether-agent');
  assert.equal(keys.get('NoNewPrivileges'), 'yes');
  assert.equal(keys.get('ProtectSystem'), 'strict');
  assert.equal(keys.get('PrivateTmp'), 'yes');
  assert.equal(keys.get('ReadWritePaths'), '/var/lib/tether-agent /opt/tether-agent');
  assert.match(unit, /# .*consent prompt/, 'the unit documents the rights it keeps');
  const passwd = await readFile(join(root, 'etc/passwd'), 'utf8');
  const account =
    /^tether-agent:x:(\d+):(\d+):[^:]*:\/var\/lib\/tether-agent\/home:\/usr\/sbin\/nologin$/m.exec(
      passwd,
    );
  assert.ok(account, `a system account without a login shell: ${passwd}`);
  const data = await stat(join(root, 'var/lib/tether-agent'));
  assert.equal(data.mode & 0o777, 0o700);
  assert.equal(data.uid, Number(account[1]));
  const record = JSON.parse(
    await readFile(join(root, 'opt/tether-agent/install.json'), 'utf8'),
  ) as { deviceId: string };
  assert.equal(
    (await readFile(join(root, 'var/log/tether-agent-install.log'), 'utf8')).includes(
      'Enrolled as device',
    ),
    true,
  );
  assert.equal(existsSync(join(root, `opt/tether-agent/current/runtime/node`)), true);
  assert.equal(existsSync(join(root, 'opt/tether-agent/installer.json')), false, 'no token kept');

  // systemd is not PID 1 here: run the unit's ExecStart as its User= would.
  const execStart = (keys.get('ExecStart') ?? '').split(' ');
  const agentStart = performance.now();
  const agent = startProgram('chroot', [
    '--userspec=tether-agent:tether-agent',
    root,
    ...execStart,
  ]);
  try {
    const device = await waitOnline(record.deviceId, agent);
    t.diagnostic(
      `installed agent start -> online: ${Math.round(performance.now() - agentStart)} ms`,
    );
    assert.equal(device.group, 'Installed servers');
  } finally {
    await stopProcess(agent);
  }

  const removed = await runProgram('chroot', [
    root,
    '/opt/tether-agent/tether-agent',
    'uninstall',
    '--purge',
  ]);
  assert.equal(removed.code, 0, removed.stderr);
  const backups = /^etc\/(passwd|group|shadow|gshadow)-$/;
  const after = (await pathsUnder(root)).filter(
    (path) => !path.startsWith('tmp/pkg') && !backups.test(path),
  );
  assert.deepEqual(
    after,
    before.filter((path) => !backups.test(path)),
  );
  assert.doesNotMatch(await readFile(join(root, 'etc/passwd'), 'utf8'), /tether-agent/);
});

test("an install that cannot become root falls back to user mode, says so, and runs in that user's session", async () => {
  const root = await systemRoot();
  const serverUrl = running().server.url.replace('//localhost:', '//127.0.0.1:');
  await agentPackage(join(root, 'tmp/pkg'), { serverUrl });
  await run('chmod', ['-R', 'a+rX', join(root, 'tmp/pkg')]);
  const added = await runProgram('chroot', [root, 'useradd', '--create-home', 'alice']);
  assert.equal(added.code, 0, added.stderr);
  const asAlice = ['--userspec=alice:alice', root];
  const installed = await runProgram('chroot', [...asAlice, '/tmp/pkg/tether-agent', 'install'], {
    HOME: '/home/alice',
  });
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(installed.stderr, /Not running as root.*installing it in user mode for alice/);
  assert.match(
    installed.stdout,
    /The agent starts at your next desktop login\. Start it now with:/,
  );
  assert.equal(existsSync(join(root, 'etc/systemd/system/tether-agent.service')), false);
  assert.doesNotMatch(await readFile(join(root, 'etc/passwd'), 'utf8'), /tether-agent/);
  const home = join(root, 'home/alice');
  assert.match(await readFile(join(home, '.tether-agent-install.log'), 'utf8'), /user mode/);
  const unit = await readFile(join(home, '.config/systemd/user/tether-agent.service'), 'utf8');
  const record = JSON.parse(
    await readFile(join(home, '.local/share/tether-agent/install.json'), 'utf8'),
  ) as { deviceId: string };
  const execStart = (serviceKeys(unit).get('ExecStart') ?? '').split(' ');
  const agent = startProgram('chroot', [...asAlice, ...execStart]);
  try {
    await waitOnline(record.deviceId, agent);
  } finally {
    await stopProcess(agent);
  }
});

test("a package unpacked in the install folder itself (the .deb) installs in place with JC_ variables, and uninstall leaves the package manager's files", async () => {
  const root = await systemRoot();
  const pkg = await agentPackage(join(root, 'opt/tether-agent'), { overridable: ['comments'] });
  const packaged = await pathsUnder(pkg);
  const installed = await runProgram(
    join(pkg, 'tether-agent'),
    ['install', '--root', root, '--package-dir', pkg, '--no-start'],
    { JC_COMMENTS: 'from the postinst' },
  );
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(installed.stdout, new RegExp(`Installed under ${root}`));
  assert.deepEqual(
    (await pathsUnder(pkg)).filter((path) => !/^(current(\/|$)|install\.json$)/.test(path)),
    packaged,
  );
  assert.equal(existsSync(join(pkg, 'current/runtime/node')), true);
  assert.equal(
    (await stat(join(pkg, 'installer.json'))).mode & 0o777,
    0o600,
    'its token is private',
  );
  assert.match(await readFile(join(root, 'etc/passwd'), 'utf8'), /^tether-agent:/m);

  // The package manager running the postinst again (an upgrade of the .deb) is told why not.
  const again = await runProgram(join(pkg, 'tether-agent'), [
    'install',
    '--root',
    root,
    '--package-dir',
    pkg,
  ]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already installed here/);
  assert.equal(
    existsSync(join(pkg, 'current')),
    true,
    'a refused install leaves the install alone',
  );

  const removed = await runProgram(join(pkg, 'tether-agent'), ['uninstall', '--root', root]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(await pathsUnder(pkg), packaged, 'the package manager removes its own files');
  assert.equal(existsSync(join(root, 'etc/systemd/system/tether-agent.service')), false);
  assert.doesNotMatch(await readFile(join(root, 'etc/passwd'), 'utf8'), /tether-agent/);
  assert.match(removed.stdout, /Kept \/var\/lib\/tether-agent/);
  assert.equal(existsSync(join(root, 'var/lib/tether-agent/agent.json')), true);
});

test('a tampered package is refused and nothing is installed', async () => {
  const root = await tempDir('tether-prefix-');
  const pkg = await agentPackage(await tempDir('tether-pkg-'));
  await appendFile(join(pkg, `versions/${PACKAGE_VERSION}/app/tether-agent.mjs`), ' ');
  const result = await runProgram(join(pkg, 'tether-agent'), ['install', '--root', root]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /not intact: versions\/.*tether-agent\.mjs differs from the file the server signed/,
  );
  assert.deepEqual(await pathsUnder(root), ['var', 'var/log', 'var/log/tether-agent-install.log']);
  assert.match(
    await readFile(join(root, 'var/log/tether-agent-install.log'), 'utf8'),
    /not intact/,
  );
});

test('an expired installer is refused', async () => {
  const root = await tempDir('tether-prefix-');
  const pkg = await agentPackage(await tempDir('tether-pkg-'), {
    expiresAt: new Date(Date.now() - 60_000).toISOString(),
  });
  const result = await runProgram(join(pkg, 'tether-agent'), ['install', '--root', root]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /This installer expired on/);
  assert.deepEqual(await pathsUnder(root), ['var', 'var/log', 'var/log/tether-agent-install.log']);
});

test('an override the installer does not allow fails the install, logged with the reason, nothing left (KEY=value form)', async () => {
  const root = await tempDir('tether-prefix-');
  const pkg = await agentPackage(await tempDir('tether-pkg-'), { overridable: ['comments'] });
  const result = await runProgram(join(pkg, 'tether-agent'), [
    'install',
    '--root',
    root,
    'JC_TAG=web',
    'SILENT=1',
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /--jc-tag: this installer does not allow overriding "tag"/);
  assert.equal(result.stdout, '');
  assert.deepEqual(await pathsUnder(root), ['var', 'var/log', 'var/log/tether-agent-install.log']);
  assert.match(
    await readFile(join(root, 'var/log/tether-agent-install.log'), 'utf8'),
    /does not allow overriding "tag"/,
  );
});

test('allowed overrides install in user mode under a prefix with a user unit and an autostart entry', async () => {
  const root = await tempDir('tether-prefix-');
  const pkg = await agentPackage(await tempDir('tether-pkg-'), { overridable: ['tag', 'mode'] });
  const result = await runProgram(
    join(pkg, 'tether-agent'),
    ['install', '--root', root, '--mode', 'user', '--no-start'],
    {
      HOME: '/home/alice',
      JC_TAG: 'web',
    },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Enrolled as device/);
  const home = join(root, 'home/alice');
  const unit = await readFile(join(home, '.config/systemd/user/tether-agent.service'), 'utf8');
  assert.equal(
    serviceKeys(unit).get('ExecStart'),
    '/home/alice/.local/share/tether-agent/tether-agent run --data-dir /home/alice/.tether-agent',
  );
  assert.match(
    await readFile(join(home, '.config/autostart/tether-agent.desktop'), 'utf8'),
    /^Exec=sh -c .*is-enabled tether-agent\.service/m,
  );
  assert.equal(existsSync(join(home, '.tether-agent/agent.json')), true);
  const record = JSON.parse(
    await readFile(join(home, '.local/share/tether-agent/install.json'), 'utf8'),
  ) as { deviceId: string };
  const list = (await running().server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  const device = list.devices.find((candidate) => candidate.id === record.deviceId);
  assert.ok(device, 'the device is enrolled');
  assert.deepEqual(device.tags, ['web']);

  const again = await runProgram(
    join(pkg, 'tether-agent'),
    ['install', '--root', root, '--mode', 'user'],
    { HOME: '/home/alice' },
  );
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`already installed here: .* is device ${record.deviceId}`));

  const removed = await runProgram(join(pkg, 'tether-agent'), [
    'uninstall',
    '--root',
    root,
    '--install-dir',
    '/home/alice/.local/share/tether-agent',
    '--purge',
  ]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(
    (await pathsUnder(root)).filter(
      (path) =>
        !/^home(\/alice(\/\.config(\/(systemd(\/user)?|autostart))?|\/\.local(\/share)?)?)?$/.test(
          path,
        ),
    ),
    [],
  );
});

test('agent enroll on an enrolled machine refuses and names the existing device, unless --force', async () => {
  const { server } = running();
  const dataDir = await tempDir('tether-agent-');
  const enroll = async (...extra: string[]) => {
    const { token } = await server.createInstaller();
    return runCli([
      'agent',
      'enroll',
      '--server',
      server.url,
      '--token',
      token,
      '--data-dir',
      dataDir,
      ...extra,
    ]);
  };
  const first = await enroll();
  assert.equal(first.code, 0, first.stderr);
  const deviceId = /device ([0-9a-f-]{36})/.exec(first.stdout)?.[1] ?? '';
  const second = await enroll();
  assert.equal(second.code, 1);
  assert.match(second.stderr, new RegExp(`already enrolled: .* is device ${deviceId} of https://`));
  const forced = await enroll('--force');
  assert.equal(forced.code, 0, forced.stderr);
  assert.doesNotMatch(forced.stdout, new RegExp(deviceId));
});
