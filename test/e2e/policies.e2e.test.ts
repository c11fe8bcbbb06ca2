import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  EffectivePolicyView,
  ErrorBody,
  Policy,
  PolicyList,
  RecordingList,
  SessionList,
} from '@tether/protocol';
import { z } from 'zod';
import { waitFor } from '../support/cli.js';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

const PolicyReply = z.object({ policy: Policy });
const SEALED_SECRET =
  '-----BEGIN CMS-----\nMIIB-sealed-secret-for-policies-test\n-----END CMS-----\n';

let server: TestServer;
let deviceId: string;
let group: string;

before(async () => {
  server = await createTestServer();
  const agent = await server.startAgent();
  deviceId = agent.device.id;
  group = agent.device.group;
});
after(async () => server.close());

async function createPolicy(body: unknown): Promise<Policy> {
  const response = await server.admin.request('POST', '/api/v1/policies', body);
  assert.equal(response.status, 201, response.text);
  return response.json(PolicyReply).policy;
}

const assign = (policyId: string, assignments: unknown[]) =>
  server.admin.request('PUT', `/api/v1/policies/${policyId}/assignments`, { assignments });

async function effectivePolicy(): Promise<EffectivePolicyView> {
  const response = await server.admin.request(
    'GET',
    `/api/v1/devices/${deviceId}/effective-policy`,
  );
  assert.equal(response.status, 200, response.text);
  return response.json(EffectivePolicyView);
}

/** Runs a command in a real terminal session and returns the ended session's recording, if any. */
async function terminalSessionRecording(): Promise<{ sessionId: string; recorded: boolean }> {
  const terminal = await openTerminal(server.admin, deviceId);
  terminal.type('echo "policy-$((40 + 2))"\r');
  await terminal.waitForOutput(/policy-42/);
  await terminal.close();
  const sessionId = terminal.session.session.id;
  await waitFor('the session to end', async () => {
    const list = (await server.admin.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)).json(
      SessionList,
    );
    return list.sessions.find((session) => session.id === sessionId && session.state === 'ended');
  });
  const recordings = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
  return {
    sessionId,
    recorded: recordings.recordings.some((recording) => recording.sessionId === sessionId),
  };
}

test('a group policy with terminal recording off: a terminal session makes no recording', async () => {
  const off = await createPolicy({
    name: 'No terminal recording',
    description: 'lab machines',
    settings: { recording: { terminal: 'off' } },
  });
  const assigned = await assign(off.id, [{ type: 'group', group }]);
  assert.equal(assigned.status, 200, assigned.text);
  assert.deepEqual(assigned.json(PolicyReply).policy.assignments, [{ type: 'group', group }]);

  const effective = await effectivePolicy();
  assert.deepEqual(effective.settings.recording, {
    terminal: 'off',
    desktop: 'required',
    files: 'required',
  });
  assert.deepEqual(effective.sources['recording.terminal'], {
    policyId: off.id,
    policyName: 'No terminal recording',
    level: 'group',
  });
  assert.equal(effective.sources['recording.desktop'], null);

  const { recorded } = await terminalSessionRecording();
  assert.equal(recorded, false, 'the session under a recording-off policy was not recorded');
});

test('a device-level policy with recording required overrides the group: the session is recorded', async () => {
  const required = await createPolicy({
    name: 'Record this device',
    settings: { recording: { terminal: 'required' } },
  });
  const assigned = await assign(required.id, [{ type: 'device', deviceId }]);
  assert.equal(assigned.status, 200, assigned.text);
  const [assignment] = assigned.json(PolicyReply).policy.assignments;
  assert.equal(assignment?.type === 'device' && assignment.deviceName !== null, true);

  const effective = await effectivePolicy();
  assert.equal(effective.settings.recording.terminal, 'required');
  assert.equal(effective.sources['recording.terminal']?.policyName, 'Record this device');
  assert.equal(effective.sources['recording.terminal'].level, 'device');
  assert.deepEqual(
    effective.policies.map((policy) => `${policy.level}:${policy.name}`),
    ['device:Record this device', `group:No terminal recording`],
  );

  const { recorded } = await terminalSessionRecording();
  assert.equal(recorded, true, 'the device-level policy made the session recorded');
});

test('a same-level conflict is refused with 409 naming both policies and the key', async () => {
  const conflicting = await createPolicy({
    name: 'Record terminals',
    settings: { recording: { terminal: 'required' } },
  });
  const refused = await assign(conflicting.id, [{ type: 'group', group }]);
  assert.equal(refused.status, 409, refused.text);
  const error = refused.json(ErrorBody);
  assert.equal(error.code, 'CONFLICT');
  assert.match(error.message, /"No terminal recording" \(off\)/);
  assert.match(error.message, /"Record terminals" \(required\)/);
  assert.match(error.message, /recording\.terminal/);
  assert.match(error.message, new RegExp(`group "${group}"`));
  const unchanged = (await server.admin.request('GET', `/api/v1/policies/${conflicting.id}`)).json(
    PolicyReply,
  );
  assert.deepEqual(unchanged.policy.assignments, [], 'the refused assignment was not saved');

  // A policy that agrees may join the group; changing it to disagree is refused the same way.
  const agreeing = await createPolicy({
    name: 'Files off',
    settings: { recording: { files: 'off' } },
  });
  assert.equal((await assign(agreeing.id, [{ type: 'group', group }])).status, 200);
  const update = await server.admin.request('PUT', `/api/v1/policies/${agreeing.id}`, {
    name: 'Files off',
    settings: { recording: { files: 'off', terminal: 'required' } },
  });
  assert.equal(update.status, 409, update.text);
  assert.match(update.json(ErrorBody).message, /"Files off" \(required\)/);
  assert.equal((await effectivePolicy()).conflicts.length, 0);
});

test('bad input is refused with 422 and changes nothing', async () => {
  const before = (await server.admin.request('GET', '/api/v1/policies')).text;
  const storage = {
    url: 'sftp://rec@files.example:22/in',
    authentication: 'password',
    credential: SEALED_SECRET,
  };
  const bad: [string, unknown][] = [
    ['unknown key', { name: 'Typo', settings: { recording: { terminal: 'off' }, recordng: {} } }],
    ['unknown kind', { name: 'Typo', settings: { recording: { keyboard: 'off' } } }],
    ['bad mode', { name: 'Typo', settings: { recording: { terminal: 'sometimes' } } }],
    [
      'bad URL',
      { name: 'Upload', settings: { customStorage: { ...storage, url: 'https://files/in' } } },
    ],
    ['empty name', { name: '   ', settings: {} }],
  ];
  for (const [what, body] of bad) {
    const response = await server.admin.request('POST', '/api/v1/policies', body);
    assert.equal(response.status, 422, `${what}: ${response.text}`);
    assert.equal(response.json(ErrorBody).code, 'INVALID_INPUT', what);
  }
  const [first] = (await server.admin.request('GET', '/api/v1/policies')).json(PolicyList).policies;
  assert.ok(first);
  const badUpdate = await server.admin.request('PUT', `/api/v1/policies/${first.id}`, {
    name: '',
    settings: {},
  });
  assert.equal(badUpdate.status, 422, badUpdate.text);
  const badAssign = await assign(first.id, [{ type: 'room', room: 'B12' }]);
  assert.equal(badAssign.status, 422, badAssign.text);
  const unknownDevice = await assign(first.id, [
    { type: 'device', deviceId: '00000000-0000-4000-8000-000000000000' },
  ]);
  // A target that does not exist is not found (404), like a group nobody uses (issue 10).
  assert.equal(unknownDevice.status, 404, unknownDevice.text);
  assert.match(unknownDevice.json(ErrorBody).message, /no device/);
  assert.equal((await server.admin.request('GET', '/api/v1/policies')).text, before);
});

test('the sealed credential is stored but never echoed, and an update can keep it', async () => {
  const storage = {
    url: 'sftp://rec@files.example:22/in',
    authentication: 'password',
    credential: SEALED_SECRET,
  };
  const created = await server.admin.request('POST', '/api/v1/policies', {
    name: 'Upload to files.example',
    settings: { recording: { desktop: 'required' }, customStorage: storage },
  });
  assert.equal(created.status, 201, created.text);
  assert.doesNotMatch(created.text, /sealed-secret/);
  const policy = created.json(PolicyReply).policy;
  const sha256 = policy.settings.customStorage?.credential.sha256;
  assert.match(sha256 ?? '', /^[0-9a-f]{64}$/);

  const renamed = await server.admin.request('PUT', `/api/v1/policies/${policy.id}`, {
    name: 'Upload (kept credential)',
    settings: {
      customStorage: { url: 'sftp://rec@files.example:2222/in', authentication: 'password' },
    },
  });
  assert.equal(renamed.status, 200, renamed.text);
  const kept = renamed.json(PolicyReply).policy.settings.customStorage;
  assert.equal(kept?.url, 'sftp://rec@files.example:2222/in');
  assert.equal(kept.credential.sha256, sha256, 'the stored credential was kept');
  assert.equal((await assign(policy.id, [{ type: 'group', group }])).status, 200);

  // The upload code gets the credential; every API reply and the audit log do not.
  const effective = await server.server.context.policies.effectiveFor(deviceId);
  assert.equal(effective.customStorage?.credential, SEALED_SECRET);
  for (const path of [
    '/api/v1/policies',
    `/api/v1/policies/${policy.id}`,
    `/api/v1/devices/${deviceId}/effective-policy`,
    '/api/v1/audit?limit=200',
  ]) {
    const response = await server.admin.request('GET', path);
    assert.equal(response.status, 200, path);
    assert.doesNotMatch(response.text, /sealed-secret/, path);
  }
  const view = await effectivePolicy();
  assert.equal(view.settings.customStorage?.credential.sha256, sha256);
  assert.equal(view.sources.customStorage?.policyName, 'Upload (kept credential)');
});

test('policy changes are audited, and a deleted policy stops applying', async () => {
  const policies = (await server.admin.request('GET', '/api/v1/policies')).json(
    PolicyList,
  ).policies;
  const off = policies.find((policy) => policy.name === 'No terminal recording');
  assert.ok(off);
  const deleted = await server.admin.request('DELETE', `/api/v1/policies/${off.id}`);
  assert.equal(deleted.status, 204);
  assert.equal((await server.admin.request('DELETE', `/api/v1/policies/${off.id}`)).status, 404);
  const effective = await effectivePolicy();
  assert.ok(effective.policies.every((policy) => policy.id !== off.id));

  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=200')).json(AuditPage);
  const actions = new Set(
    audit.entries.filter((entry) => entry.target === off.id).map((entry) => entry.action),
  );
  assert.deepEqual([...actions].sort(), ['policy.assigned', 'policy.created', 'policy.deleted']);
  const updated = audit.entries.find((entry) => entry.action === 'policy.updated');
  assert.equal(updated?.actor, 'admin');
  assert.equal(updated.details.previousName, 'Upload to files.example');
});
