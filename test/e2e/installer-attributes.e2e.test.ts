import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  CreateInstallerResponse,
  DeviceList,
  EnrollResponse,
  ErrorBody,
  ExtendInstallerResponse,
  InstallerList,
  Policy,
  PolicyReply,
  TETHER_VERSION,
  type CreateInstallerRequest,
  type Device,
  type InstallOverrides,
} from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let recorded: Policy;

before(async () => {
  server = await createTestServer();
  await ensureDeviceGroup(server.admin, 'Servers');
  await ensureDeviceGroup(server.admin, 'Lab');
  recorded = await createPolicy('Recorded', { recording: { terminal: 'required' } });
  await createPolicy('Unrecorded', { recording: { terminal: 'off' } });
});
after(() => server.close());

async function createPolicy(name: string, settings: object): Promise<Policy> {
  const response = await server.admin.request('POST', '/api/v1/policies', { name, settings });
  assert.equal(response.status, 201, response.text);
  return response.json(PolicyReply).policy;
}

async function createInstaller(
  request: Partial<CreateInstallerRequest>,
): Promise<CreateInstallerResponse> {
  const response = await server.admin.request('POST', '/api/v1/installers', {
    group: 'Servers',
    validForSec: 3600,
    ...request,
  });
  assert.equal(response.status, 201, response.text);
  return response.json(CreateInstallerResponse);
}

/** Enrols as an installed package does: the enrolment request with install-time overrides. */
async function enroll(token: string, overrides?: InstallOverrides) {
  const publicKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '';
  return server.client().request('POST', '/api/v1/agent/enroll', {
    token,
    publicKey,
    inventory: {
      hostname: 'pc-1',
      os: { platform: 'linux', release: '6', name: 'Debian', arch: 'x64' },
      agentVersion: TETHER_VERSION,
    },
    ...(overrides && { overrides }),
  });
}

async function device(id: string): Promise<Device> {
  const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  const found = list.devices.find((each) => each.id === id);
  assert.ok(found, `device ${id} is listed`);
  return found;
}

async function installsOf(id: string): Promise<number | undefined> {
  const list = (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList);
  return list.installers.find((installer) => installer.id === id)?.installs;
}

test('a real agent enrolled with an installer gets its group, name, comments, tag, policy and modes', async () => {
  const { token, installer } = await createInstaller({
    name: 'kiosk-7',
    comments: 'Front desk',
    tag: 'web',
    jumpPolicy: 'recorded',
    maxOfflineMinutes: 60,
    connectionType: 'passive',
    mode: 'user',
  });
  assert.equal(installer.attributes?.jumpPolicy, 'Recorded', 'the policy is spelled as stored');
  const agentDir = await mkdtemp(join(tmpdir(), 'tether-agent-'));
  try {
    const enrolled = await runCli([
      'agent',
      'enroll',
      '--server',
      server.url,
      '--token',
      token,
      '--data-dir',
      agentDir,
    ]);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    const deviceId = /device ([0-9a-f-]{36})/.exec(enrolled.stdout)?.[1] ?? '';
    const enrolledDevice = await device(deviceId);
    assert.deepEqual(
      {
        name: enrolledDevice.name,
        group: enrolledDevice.group,
        comments: enrolledDevice.comments,
        tags: enrolledDevice.tags,
        maxOfflineMinutes: enrolledDevice.maxOfflineMinutes,
        connectionType: enrolledDevice.connectionType,
        installMode: enrolledDevice.installMode,
      },
      {
        name: 'kiosk-7',
        group: 'Servers',
        comments: 'Front desk',
        tags: ['web'],
        maxOfflineMinutes: 60,
        connectionType: 'passive',
        installMode: 'user',
      },
    );
    const { policy } = (await server.admin.request('GET', `/api/v1/policies/${recorded.id}`)).json(
      PolicyReply,
    );
    assert.ok(
      policy.assignments.some((each) => each.type === 'device' && each.deviceId === deviceId),
      'the installer policy is assigned to the device',
    );
  } finally {
    await rm(agentDir, { recursive: true, force: true });
  }
});

test('overrides the installer allows are applied, jumpgroup:NAME included', async () => {
  const { token } = await createInstaller({ tag: 'web', overridable: ['tag', 'group', 'name'] });
  const response = await enroll(token, { tag: 'db', group: 'jumpgroup:lab', name: 'db-01' });
  assert.equal(response.status, 200, response.text);
  const enrolled = await device(response.json(EnrollResponse).deviceId);
  assert.deepEqual([enrolled.name, enrolled.group, enrolled.tags], ['db-01', 'Lab', ['db']]);
});

test('an override the installer does not allow is refused, audited, and nothing is written', async () => {
  const { token, installer } = await createInstaller({ tag: 'web', overridable: ['tag'] });
  const devicesBefore = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  const response = await enroll(token, { tag: 'db', comments: 'mine', maxOfflineMinutes: 5 });
  assert.equal(response.status, 403, response.text);
  const error = response.json(ErrorBody);
  assert.equal(error.code, 'FORBIDDEN');
  assert.match(error.message, /does not allow overriding comments, maxOfflineMinutes/);
  const devicesAfter = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  assert.equal(devicesAfter.devices.length, devicesBefore.devices.length);
  assert.equal(await installsOf(installer.id), 0);
  const audit = (
    await server.admin.request('GET', '/api/v1/audit?action=device.enroll_refused&limit=1000')
  ).json(AuditPage);
  assert.ok(
    audit.entries.some((entry) => entry.target === installer.id),
    'the refusal is audited against the installer',
  );
  const personal = await enroll((await createInstaller({ overridable: ['group'] })).token, {
    group: 'user:alice',
  });
  assert.equal(personal.status, 422, personal.text);
  assert.match(personal.json(ErrorBody).message, /personal group/);
});

test('an expired installer is refused; extended, its new token enrols', async () => {
  const { token, installer } = await createInstaller({ validForSec: 600 });
  server.clock.advance(601_000);
  const expired = await enroll(token);
  assert.equal(expired.json(ErrorBody).code, 'TOKEN_EXPIRED');
  const extension = await server.admin.request(
    'POST',
    `/api/v1/installers/${installer.id}/extend`,
    { validForSec: 3600 },
  );
  assert.equal(extension.status, 200, extension.text);
  const extended = extension.json(ExtendInstallerResponse);
  assert.ok(extended.installer.active);
  assert.equal((await enroll(extended.token)).status, 200);
  const tooLong = await server.admin.request('POST', `/api/v1/installers/${installer.id}/extend`, {
    validForSec: 366 * 24 * 3600,
  });
  assert.equal(tooLong.status, 422);
  await server.admin.request('DELETE', `/api/v1/installers/${installer.id}`);
  const revoked = await server.admin.request('POST', `/api/v1/installers/${installer.id}/extend`, {
    validForSec: 3600,
  });
  assert.equal(revoked.status, 404);
});

test('installers naming an unknown policy, a personal group or disagreeing policies are refused', async () => {
  const refusals: [Partial<CreateInstallerRequest>, number, RegExp][] = [
    [{ jumpPolicy: 'Nope' }, 422, /no policy "Nope"/],
    [{ group: 'user:alice' }, 422, /personal group/],
    [{ sessionPolicyPresent: 'Recorded', sessionPolicyNotPresent: 'Unrecorded' }, 409, /Recorded/],
  ];
  for (const [request, status, message] of refusals) {
    const response = await server.admin.request('POST', '/api/v1/installers', {
      group: 'Servers',
      validForSec: 3600,
      ...request,
    });
    assert.equal(response.status, status, response.text);
    assert.match(response.json(ErrorBody).message, message);
  }
});

test('the list shows active installers first, with their installs', async () => {
  const revoked = await createInstaller({});
  await server.admin.request('DELETE', `/api/v1/installers/${revoked.installer.id}`);
  const active = await createInstaller({ maxInstalls: 2 });
  assert.equal((await enroll(active.token)).status, 200);
  const list = (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList);
  const firstInactive = list.installers.findIndex((installer) => installer.active !== true);
  const lastActive = list.installers.findLastIndex((installer) => installer.active === true);
  assert.ok(lastActive < firstInactive, 'active installers come first');
  assert.equal(list.installers.find((each) => each.id === active.installer.id)?.installs, 1);
});
