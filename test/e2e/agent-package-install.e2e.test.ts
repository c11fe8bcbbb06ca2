import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { AgentPackageDownloads, PolicyList, PolicyReply } from '@tether/protocol';
import { run } from '../../packages/server/test/support/agent-package-check.js';
import { waitFor } from '../support/cli.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { copyMinbaseRoot, minbaseUnavailable } from '../support/minbase-root.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

/**
 * The whole way a device gets the agent (issue 14): download the installer's `.run` from a
 * running server, run it in a minimal Debian that has no Node and no compiler, then start the
 * service the way its systemd unit would; the device comes online with the installer's group,
 * tag and policy. Skipped only where the minimal Debian cannot be made (not root, no debootstrap).
 */
const skip = minbaseUnavailable();

const DeviceRows = z.object({
  devices: z.array(
    z.looseObject({
      id: z.string(),
      group: z.string(),
      online: z.boolean(),
      tags: z.array(z.string()).optional(),
    }),
  ),
});

let server: TestServer;
let work = '';

before(async () => {
  server = await createTestServer();
  work = await mkdtemp(join(tmpdir(), 'tether-package-install-'));
});

after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

/** An installer for group Fleet with tag `web` and policy `Fleet rules`; its packages' links. */
async function fleetInstaller(
  extra: Record<string, unknown> = {},
): Promise<{ downloads: AgentPackageDownloads; policyId: string }> {
  await ensureDeviceGroup(server.admin, 'Fleet');
  const policies = (await server.admin.request('GET', '/api/v1/policies')).json(PolicyList);
  let policyId = policies.policies.find((policy) => policy.name === 'Fleet rules')?.id;
  if (!policyId) {
    const created = await server.admin.request('POST', '/api/v1/policies', { name: 'Fleet rules' });
    assert.equal(created.status, 201, created.text);
    policyId = created.json(PolicyReply).policy.id;
  }
  const installer = await server.admin.request('POST', '/api/v1/installers', {
    group: 'Fleet',
    validForSec: 3600,
    tag: 'web',
    jumpPolicy: 'Fleet rules',
    ...extra,
  });
  assert.equal(installer.status, 201, installer.text);
  const { id } = z
    .object({ installer: z.object({ id: z.string() }) })
    .parse(JSON.parse(installer.text)).installer;
  const listed = await server.admin.request('GET', `/api/v1/installers/${id}/downloads`);
  assert.equal(listed.status, 200, listed.text);
  return { downloads: listed.json(AgentPackageDownloads), policyId };
}

async function download(downloads: AgentPackageDownloads, file: string): Promise<string> {
  const pin = /--pinnedpubkey '([^']+)'/.exec(downloads.oneLiner)?.[1] ?? '';
  const url = downloads.files.find((candidate) => candidate.file === file)?.url ?? '';
  const path = join(work, `${Date.now()}-${file}`);
  await run('curl', ['-fsSL', '-k', '--pinnedpubkey', pin, '-o', path, url]);
  return path;
}

/** `Key=value` of a unit file's [Service] section. */
function unitValue(unit: string, key: string): string {
  const value = new RegExp(`^${key}=(.+)$`, 'm').exec(unit)?.[1];
  assert.ok(value, `the unit has ${key}=`);
  return value.trim();
}

test(
  'the .run installs in a Debian without Node, and the unit’s command brings the device online with the installer’s group, tag and policy',
  { skip, timeout: 420_000 },
  async (t) => {
    const { downloads, policyId } = await fleetInstaller();
    const runFile = await download(downloads, 'tether-agent.run');
    const root = await copyMinbaseRoot();
    const agent: { stop?: () => void } = {};
    try {
      await copyFile(runFile, join(root.dir, 'tmp/tether-agent.run'));
      const started = Date.now();
      await root.chroot(['sh', '/tmp/tether-agent.run', '--silent', '--no-start']);
      t.diagnostic(`install (unpack, verify, copy, enrol) took ${Date.now() - started} ms`);

      const unit = await readFile(
        join(root.dir, 'etc/systemd/system/tether-agent.service'),
        'utf8',
      );
      const user = unitValue(unit, 'User');
      assert.equal(user, 'tether-agent');
      assert.match(unit, /^NoNewPrivileges=(yes|true)$/m);
      assert.match(await readFile(join(root.dir, 'etc/passwd'), 'utf8'), /^tether-agent:/m);
      const command = unitValue(unit, 'ExecStart').split(/\s+/);

      const agentProcess = root.start(command, { userspec: `${user}:${user}` });
      agent.stop = () => {
        if (agentProcess.pid) process.kill(-agentProcess.pid, 'SIGTERM');
      };
      const device = await waitFor(
        'the installed agent to come online',
        async () => {
          if (agentProcess.exitCode !== null)
            throw new Error(`the agent exited:\n${agentProcess.output()}`);
          const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceRows);
          return list.devices.find((candidate) => candidate.group === 'Fleet' && candidate.online);
        },
        180_000,
      );
      t.diagnostic(`download → online: ${Date.now() - started} ms`);
      assert.deepEqual(device.tags, ['web']);
      const policy = (await server.admin.request('GET', '/api/v1/policies'))
        .json(PolicyList)
        .policies.find((candidate) => candidate.id === policyId);
      assert.ok(
        policy?.assignments.some(
          (assignment) => assignment.type === 'device' && assignment.deviceId === device.id,
        ),
        'the policy is assigned to the device',
      );
    } finally {
      agent.stop?.();
      await root.close();
    }
  },
);

test(
  'a package with one changed byte is refused and leaves nothing installed',
  { skip, timeout: 300_000 },
  async () => {
    const { downloads } = await fleetInstaller();
    const tarball = await download(downloads, 'tether-agent.tar.gz');
    const root = await copyMinbaseRoot();
    try {
      const dir = join(root.dir, 'tmp/package');
      await run('mkdir', [dir]);
      await run('tar', ['-xzf', tarball, '-C', dir]);
      // A file the agent runs but the installer itself does not load (a changed installer could
      // skip its own check: the first install trusts the HTTPS download, DESIGN.md).
      const changed = join(
        dir,
        'versions',
        downloads.version,
        'app/node_modules/node-pty/package.json',
      );
      const bytes = await readFile(changed);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = (bytes[middle] ?? 0) ^ 1;
      await writeFile(changed, bytes);
      await assert.rejects(
        root.chroot([
          '/tmp/package/tether-agent',
          'install',
          '--package-dir',
          '/tmp/package',
          '--silent',
          '--no-start',
        ]),
        (error: { stderr?: string }) =>
          /not intact: \S*node-pty\/package\.json differs from the file the server signed/.test(
            error.stderr ?? '',
          ),
      );
      assert.ok(!existsSync(join(root.dir, 'etc/systemd/system/tether-agent.service')));
      assert.ok(!existsSync(join(root.dir, 'opt/tether-agent')));
    } finally {
      await root.close();
    }
  },
);

test(
  'the .deb installs with dpkg (JC_* from the environment), enrols, and dpkg -r removes the agent',
  { skip, timeout: 420_000 },
  async () => {
    const { downloads } = await fleetInstaller({ overridable: ['tag'] });
    const deb = await download(downloads, 'tether-agent.deb');
    const root = await copyMinbaseRoot();
    try {
      await copyFile(deb, join(root.dir, 'tmp/tether-agent.deb'));
      const before = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceRows).devices
        .length;
      await root.chroot(['dpkg', '-i', '/tmp/tether-agent.deb'], { env: { JC_TAG: 'db' } });
      const devices = (await server.admin.request('GET', '/api/v1/devices')).json(
        DeviceRows,
      ).devices;
      assert.equal(devices.length, before + 1, 'the postinst enrolled the device');
      assert.deepEqual(devices.find((device) => device.tags?.includes('db'))?.group, 'Fleet');
      assert.ok(existsSync(join(root.dir, 'etc/systemd/system/tether-agent.service')));

      await root.chroot(['dpkg', '-r', 'tether-agent']);
      assert.ok(!existsSync(join(root.dir, 'etc/systemd/system/tether-agent.service')));
      assert.ok(!existsSync(join(root.dir, 'opt/tether-agent')));
      assert.ok(!existsSync(join(root.dir, 'usr/lib/tether-agent')));
      assert.doesNotMatch(await readFile(join(root.dir, 'etc/passwd'), 'utf8'), /^tether-agent:/m);
    } finally {
      await root.close();
    }
  },
);
