import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeviceList } from '@tether/protocol';
import {
  createAgentBuild,
  writeAgentPackage,
  type AgentBuild,
} from '../support/agent-package-fixture.js';
import { waitFor } from '../support/cli.js';
import { copyMinbaseRoot, minbaseUnavailable } from '../support/minbase-root.js';
import { pathsUnder } from '../support/install-inspection.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// The packaged agent, installed in a minimal Debian (no Node), removes itself when an
// administrator deletes its device: through the root-run path unit for a service install (the
// agent runs unprivileged), by itself for a user install. systemd is not PID 1 here: the test
// runs each unit's ExecStart the way systemd would.
const skip = minbaseUnavailable();
let server: TestServer;
let build: AgentBuild;
let isStarted = false;

before(async () => {
  if (skip) return;
  server = await createTestServer();
  build = await createAgentBuild();
  isStarted = true;
});
after(async () => {
  if (!isStarted) return;
  await build.remove();
  await server.close();
});

type Root = Awaited<ReturnType<typeof copyMinbaseRoot>>;

/** Every path under a root (`pathsUnder`), without the other places a run leaves its traces. */
async function tree(root: string): Promise<string[]> {
  return (await pathsUnder(root)).filter(
    (path) => !/^(proc|tmp)\//.test(path) && !/^etc\/(passwd|group|shadow|gshadow)-$/.test(path),
  );
}

/** Stops a process group started in the root, unless it has ended already. */
function stopGroup(child: ReturnType<Root['start']>): void {
  if (child.exitCode === null && child.signalCode === null && child.pid)
    process.kill(-child.pid, 'SIGTERM');
}

function unitValue(unit: string, key: string): string {
  const value = new RegExp(`^${key}=(.+)$`, 'm').exec(unit)?.[1];
  assert.ok(value, `the unit has ${key}=`);
  return value.trim();
}

/** Installs an installer's package in the root (as `userspec` when given, else root). */
async function install(root: Root, group: string, asUser?: string): Promise<void> {
  const installer = await server.createInstaller({ group });
  await writeAgentPackage(server, build, { installer, into: join(root.dir, 'tmp/pkg') });
  const command = ['/tmp/pkg/tether-agent', 'install', '--silent', '--no-start'];
  if (!asUser) {
    await root.chroot(command);
    return;
  }
  await root.chroot(['chmod', '-R', 'a+rX', '/tmp/pkg']);
  const installing = root.start(['env', `HOME=/home/${asUser}`, ...command], {
    userspec: `${asUser}:${asUser}`,
  });
  const code = await waitFor('the install to end', () => installing.exitCode ?? undefined, 180_000);
  assert.equal(code, 0, installing.output());
}

async function onlineDevice(group: string, agent: ReturnType<Root['start']>): Promise<string> {
  const device = await waitFor(
    'the installed agent to come online',
    async () => {
      if (agent.exitCode !== null) throw new Error(`the agent exited:\n${agent.output()}`);
      const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
      return list.devices.find((candidate) => candidate.group === group && candidate.online);
    },
    180_000,
  );
  return device.id;
}

async function deleteAndAwaitExit(deviceId: string, agent: ReturnType<Root['start']>) {
  const deleted = await server.admin.request('DELETE', `/api/v1/devices/${deviceId}`);
  assert.equal(deleted.status, 204, deleted.text);
  return waitFor('the agent to exit', () => agent.exitCode ?? undefined, 120_000);
}

test(
  'a deleted service install asks the system to uninstall it; the uninstall unit leaves nothing, and until then the agent stays away',
  { skip, timeout: 420_000 },
  async () => {
    const root = await copyMinbaseRoot();
    const agent: { stop?: () => void } = {};
    try {
      const before = await tree(root.dir);
      await install(root, 'Self-removing servers');
      const units = join(root.dir, 'etc/systemd/system');
      const watcher = await readFile(join(units, 'tether-agent-uninstall.path'), 'utf8');
      assert.equal(unitValue(watcher, 'PathExists'), '/var/lib/tether-agent/uninstall.request');
      const uninstallUnit = await readFile(join(units, 'tether-agent-uninstall.service'), 'utf8');
      assert.equal(unitValue(uninstallUnit, 'Type'), 'oneshot');
      const service = await readFile(join(units, 'tether-agent.service'), 'utf8');
      const run = unitValue(service, 'ExecStart').split(/\s+/);

      const started = root.start(run, { userspec: 'tether-agent:tether-agent' });
      agent.stop = () => stopGroup(started);
      const deviceId = await onlineDevice('Self-removing servers', started);
      assert.equal(await deleteAndAwaitExit(deviceId, started), 0, started.output());
      assert.ok(existsSync(join(root.dir, 'var/lib/tether-agent/uninstall.request')));

      // systemd restarts the service (Restart=always) before the uninstall ran: it stays away.
      const restarted = root.start(run, { userspec: 'tether-agent:tether-agent' });
      const code = await waitFor(
        'the restarted agent to exit',
        () => restarted.exitCode ?? undefined,
      );
      assert.notEqual(code, 0);
      assert.match(restarted.output(), /asked to be uninstalled/);

      // What tether-agent-uninstall.path starts, as root.
      await root.chroot(unitValue(uninstallUnit, 'ExecStart').split(/\s+/));
      assert.deepEqual(await tree(root.dir), before, 'nothing of the agent is left');
      assert.doesNotMatch(await readFile(join(root.dir, 'etc/passwd'), 'utf8'), /tether-agent/);
    } finally {
      agent.stop?.();
      await root.close();
    }
  },
);

test(
  'a deleted user install removes itself: files, unit, autostart entry and identity',
  { skip, timeout: 420_000 },
  async () => {
    const root = await copyMinbaseRoot();
    const agent: { stop?: () => void } = {};
    try {
      await root.chroot(['useradd', '--create-home', 'alice']);
      const home = join(root.dir, 'home/alice');
      await install(root, 'Self-removing desktops', 'alice');
      const unit = await readFile(join(home, '.config/systemd/user/tether-agent.service'), 'utf8');
      const started = root.start(unitValue(unit, 'ExecStart').split(/\s+/), {
        userspec: 'alice:alice',
      });
      agent.stop = () => stopGroup(started);
      const deviceId = await onlineDevice('Self-removing desktops', started);
      assert.equal(await deleteAndAwaitExit(deviceId, started), 0, started.output());
      // The uninstall runs detached, after the agent is gone.
      const left = () =>
        [
          '.local/share/tether-agent',
          '.tether-agent',
          '.tether-agent-install.log',
          '.config/systemd/user/tether-agent.service',
          '.config/autostart/tether-agent.desktop',
        ].filter((path) => existsSync(join(home, path)));
      await waitFor(
        'the detached uninstall to finish',
        () => (left().length === 0 ? true : undefined),
        120_000,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}: still there: ${left().join(', ')}`);
      });
    } finally {
      agent.stop?.();
      await root.close();
    }
  },
);
