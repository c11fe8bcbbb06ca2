import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  DeviceGroupList,
  DeviceGroupResponse,
  DeviceList,
  DeviceReply,
  EffectivePolicyView,
  ErrorBody,
  InstallerList,
  PolicyReply,
  TenantList,
  type DeviceGroup,
} from '@tether/protocol';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let agent: Awaited<ReturnType<TestServer['startAgent']>>;

before(async () => {
  server = await createTestServer();
  agent = await server.startAgent(); // joins "Test devices"
});
after(() => server.close());

async function groups(): Promise<DeviceGroup[]> {
  return (await server.admin.request('GET', '/api/v1/device-groups')).json(DeviceGroupList).groups;
}

async function groupNamed(name: string): Promise<DeviceGroup> {
  const group = (await groups()).find((each) => each.name === name);
  assert.ok(group, `group "${name}" exists`);
  return group;
}

async function createGroup(name: string, description = ''): Promise<DeviceGroup> {
  const response = await server.admin.request('POST', '/api/v1/device-groups', {
    name,
    description,
  });
  assert.equal(response.status, 201, response.text);
  return response.json(DeviceGroupResponse).group;
}

const tenants = async () =>
  (await server.admin.request('GET', '/api/v1/oem/tenants')).json(TenantList);

const errorOf = (response: { text: string }) => ErrorBody.parse(JSON.parse(response.text));

test('groups are listed with their device counts; names are unique ignoring letter case', async () => {
  const listed = await groups();
  assert.deepEqual(
    listed.map((group) => [group.name, group.deviceCount]),
    [
      ['Default', 0],
      ['Test devices', 1],
    ],
  );
  const kiosks = await createGroup('Kiosks', 'Shop floor');
  assert.equal(kiosks.description, 'Shop floor');
  const taken = await server.admin.request('POST', '/api/v1/device-groups', { name: 'KIOSKS' });
  assert.equal(taken.status, 409, taken.text);
  assert.match(errorOf(taken).message, /"Kiosks" already has this name/);
  const blank = await server.admin.request('POST', '/api/v1/device-groups', { name: '  ' });
  assert.equal(blank.status, 422, blank.text);
  assert.equal((await groups()).length, 3, 'nothing else was created');
});

test('an installer, a policy assignment or a tenant naming an unknown group is refused and changes nothing', async () => {
  const installers = (await server.admin.request('GET', '/api/v1/installers')).text;
  const installer = await server.admin.request('POST', '/api/v1/installers', {
    group: 'Sevrers',
    validForSec: 3600,
  });
  assert.equal(installer.status, 422, installer.text);
  assert.equal(errorOf(installer).code, 'INVALID_INPUT');
  assert.match(
    errorOf(installer).message,
    /no device group "Sevrers"\. Create it first .*POST \/api\/v1\/device-groups/,
  );
  assert.equal((await server.admin.request('GET', '/api/v1/installers')).text, installers);

  const policy = (
    await server.admin.request('POST', '/api/v1/policies', { name: 'Typos', settings: {} })
  ).json(PolicyReply).policy;
  const assigned = await server.admin.request('PUT', `/api/v1/policies/${policy.id}/assignments`, {
    assignments: [{ type: 'group', group: 'Sevrers' }],
  });
  assert.equal(assigned.status, 422, assigned.text);
  assert.match(errorOf(assigned).message, /no device group "Sevrers"/);

  const tenant = await server.admin.request('POST', '/api/v1/oem/tenants', {
    name: 'Typo RMM',
    groups: ['Test devices', 'Sevrers'],
  });
  assert.equal(tenant.status, 422, tenant.text);
  assert.match(errorOf(tenant).message, /no device group "Sevrers"/);
  assert.ok(!(await groups()).some((group) => group.name === 'Sevrers'), 'no group was made');
});

test('a rename carries the devices, installers, policy assignments and tenants of the group', async () => {
  const policy = (
    await server.admin.request('POST', '/api/v1/policies', {
      name: 'No terminal recording',
      settings: { recording: { terminal: 'off' } },
    })
  ).json(PolicyReply).policy;
  // Any letter case picks the group; it is stored as the group spells it.
  const assigned = await server.admin.request('PUT', `/api/v1/policies/${policy.id}/assignments`, {
    assignments: [{ type: 'group', group: 'test DEVICES' }],
  });
  assert.equal(assigned.status, 200, assigned.text);
  assert.deepEqual(assigned.json(PolicyReply).policy.assignments, [
    { type: 'group', group: 'Test devices' },
  ]);
  const tenant = await server.admin.request('POST', '/api/v1/oem/tenants', {
    name: 'Acme RMM',
    groups: ['Test devices', 'Kiosks'],
  });
  assert.equal(tenant.status, 201, tenant.text);

  const group = await groupNamed('Test devices');
  const renamed = await server.admin.request('PATCH', `/api/v1/device-groups/${group.id}`, {
    name: 'Lab machines',
    description: 'Bench 3',
  });
  assert.equal(renamed.status, 200, renamed.text);
  assert.deepEqual(renamed.json(DeviceGroupResponse).group, {
    ...group,
    name: 'Lab machines',
    description: 'Bench 3',
  });

  const device = (await server.admin.request('GET', `/api/v1/devices/${agent.device.id}`)).json(
    DeviceReply,
  ).device;
  assert.equal(device.group, 'Lab machines');
  const installers = (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList);
  assert.deepEqual([...new Set(installers.installers.map((each) => each.group))], ['Lab machines']);
  const after = (await server.admin.request('GET', `/api/v1/policies/${policy.id}`)).json(
    PolicyReply,
  );
  assert.deepEqual(after.policy.assignments, [{ type: 'group', group: 'Lab machines' }]);
  const tenantList = await tenants();
  assert.deepEqual(tenantList.tenants.find((each) => each.name === 'Acme RMM')?.groups, [
    'Lab machines',
    'Kiosks',
  ]);
  // The policy still applies to the device, through its renamed group.
  const effective = (
    await server.admin.request('GET', `/api/v1/devices/${agent.device.id}/effective-policy`)
  ).json(EffectivePolicyView);
  assert.equal(effective.group, 'Lab machines');
  assert.match(JSON.stringify(effective), /No terminal recording/);

  const taken = await server.admin.request('PATCH', `/api/v1/device-groups/${group.id}`, {
    name: 'kiosks',
  });
  assert.equal(taken.status, 409, taken.text);
  assert.equal((await groupNamed('Lab machines')).deviceCount, 1, 'nothing changed');
});

test('delete is refused while the group is used, says what to do, and works once it is free', async () => {
  const group = await groupNamed('Lab machines');
  const refused = await server.admin.request('DELETE', `/api/v1/device-groups/${group.id}`);
  assert.equal(refused.status, 409, refused.text);
  const { message } = errorOf(refused);
  assert.match(
    message,
    /Cannot delete device group "Lab machines": it still has 1 device \("[^"]+"\), /,
  );
  assert.match(message, /active installers/);
  assert.match(message, /move them to another group/);
  assert.match(message, /revoke them/);
  assert.match(message, /1 integration tenant \("Acme RMM"\)/);
  assert.match(message, /1 policy assignment \("No terminal recording"\)/);

  // Free it: move the device, revoke the installers, change the tenant.
  const moved = await server.admin.request('PUT', `/api/v1/devices/${agent.device.id}/group`, {
    group: 'kiosks',
  });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json(DeviceReply).device.group, 'Kiosks');
  const nowhere = await server.admin.request('PUT', `/api/v1/devices/${agent.device.id}/group`, {
    group: 'Nowhere',
  });
  assert.equal(nowhere.status, 422, nowhere.text);
  const installers = (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList);
  for (const installer of installers.installers.filter((each) => !each.revoked))
    await server.admin.request('DELETE', `/api/v1/installers/${installer.id}`);
  const acme = (await tenants()).tenants.find((each) => each.name === 'Acme RMM');
  await server.admin.request('PUT', `/api/v1/oem/tenants/${acme?.id ?? ''}/groups`, {
    groups: ['Kiosks'],
  });

  // Only the policy assignment is left: it needs the explicit confirmation.
  const unconfirmed = await server.admin.request('DELETE', `/api/v1/device-groups/${group.id}`);
  assert.equal(unconfirmed.status, 409, unconfirmed.text);
  assert.match(
    errorOf(unconfirmed).message,
    /^Cannot delete .*policy assignments.*removeAssignments=true/,
  );
  assert.doesNotMatch(errorOf(unconfirmed).message, /devices|installers|tenants/);
  const deleted = await server.admin.request(
    'DELETE',
    `/api/v1/device-groups/${group.id}?removeAssignments=true`,
  );
  assert.equal(deleted.status, 204, deleted.text);
  assert.ok(!(await groups()).some((each) => each.name === 'Lab machines'));
  const policies = (await server.admin.request('GET', '/api/v1/policies')).text;
  assert.doesNotMatch(policies, /Lab machines/);
  const devices = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  assert.equal(devices.devices[0]?.group, 'Kiosks');

  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=100')).json(AuditPage);
  const actions = audit.entries.map((entry) => entry.action);
  for (const action of [
    'device_group.created',
    'device_group.updated',
    'device.moved',
    'device_group.deleted',
  ])
    assert.ok(actions.includes(action as (typeof actions)[number]), `${action} is audited`);
});

test('technicians see the groups but cannot change them', async () => {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'tech',
    role: 'technician',
    password: 'tech-password-123',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const tech = server.client();
  await tech.request('POST', '/api/v1/auth/login', {
    username: 'tech',
    password: 'tech-password-123',
  });
  const listed = await tech.request('GET', '/api/v1/device-groups');
  assert.equal(listed.status, 200, listed.text);
  const refused = await tech.request('POST', '/api/v1/device-groups', { name: 'Mine' });
  assert.equal(refused.status, 403, refused.text);
  assert.ok(!(await groups()).some((group) => group.name === 'Mine'));
});
