import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ErrorBody, LoginResponse, RoleList, RoleResponse, UserResponse } from '@tether/protocol';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

async function createRole(name: string, permissions: string[]) {
  return server.admin.request('POST', '/api/v1/roles', { name, permissions });
}

test('the roles list shows the built-in roles first, with their permissions and users', async () => {
  const { roles } = (await server.admin.request('GET', '/api/v1/roles')).json(RoleList);
  assert.deepEqual(
    roles.map((role) => [role.id, role.name, role.builtIn, role.userCount]),
    [
      ['administrator', 'Administrator', true, 1],
      ['privileged', 'Privileged technician', true, 0],
      ['technician', 'Technician', true, 0],
      ['auditor', 'Auditor', true, 0],
    ],
  );
  const auditor = roles.find((role) => role.id === 'auditor');
  assert.ok(auditor);
  assert.ok(auditor.permissions.includes('audit.read'));
  assert.ok(!auditor.permissions.includes('sessions.open'), 'an auditor never acts');
  const me = (await server.admin.request('GET', '/api/v1/auth/me')).json(LoginResponse);
  assert.equal(me.roleName, 'Administrator');
  assert.equal(me.permissions.length, roles[0]?.permissions.length, 'every permission');
});

test('bad roles are refused with the reason, and nothing changes', async () => {
  const unknownPermission = await createRole('Night shift', ['devices.rule']);
  assert.equal(unknownPermission.status, 422, unknownPermission.text);
  assert.match(unknownPermission.json(ErrorBody).message, /permissions/);
  const builtInName = await createRole('Privileged Technician', ['devices.view']);
  assert.equal(builtInName.status, 409, builtInName.text);
  assert.match(builtInName.json(ErrorBody).message, /built-in role/);
  const empty = await createRole('  ', ['devices.view']);
  assert.equal(empty.status, 422, empty.text);
  const changeBuiltIn = await server.admin.request('PATCH', '/api/v1/roles/administrator', {
    permissions: ['console.use'],
  });
  assert.equal(changeBuiltIn.status, 403, changeBuiltIn.text);
  const deleteBuiltIn = await server.admin.request('DELETE', '/api/v1/roles/technician');
  assert.equal(deleteBuiltIn.status, 403, deleteBuiltIn.text);
  const missing = await server.admin.request('DELETE', `/api/v1/roles/${randomUUID()}`);
  assert.equal(missing.status, 404, missing.text);
  const noSuchRole = await server.admin.request('POST', '/api/v1/users', {
    username: 'kim',
    role: randomUUID(),
    password: 'kim-first-password',
  });
  assert.equal(noSuchRole.status, 422, noSuchRole.text);
  assert.match(noSuchRole.json(ErrorBody).message, /no role/);
  const { roles } = (await server.admin.request('GET', '/api/v1/roles')).json(RoleList);
  assert.equal(roles.length, 4, 'no role was created');
  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=100')).text;
  assert.doesNotMatch(audit, /"role\./);
});

test('a role in use cannot be deleted until its users have another role; renaming keeps them', async () => {
  const created = await createRole('Helpdesk', ['devices.view', 'sessions.open']);
  assert.equal(created.status, 201, created.text);
  const { role } = created.json(RoleResponse);
  const duplicate = await createRole('helpdesk', []);
  assert.equal(duplicate.status, 409, duplicate.text);
  const users = [];
  for (const username of ['ana', 'ben']) {
    const response = await server.admin.request('POST', '/api/v1/users', {
      username,
      role: role.id,
      password: `${username}-first-password`,
      mustChangePassword: false,
    });
    assert.equal(response.status, 201, response.text);
    users.push(response.json(UserResponse).user);
  }
  const renamed = await server.admin.request('PATCH', `/api/v1/roles/${role.id}`, {
    name: 'Helpdesk L1',
  });
  assert.equal(renamed.json(RoleResponse).role.userCount, 2);
  const ana = server.client();
  const login = await ana.request('POST', '/api/v1/auth/login', {
    username: 'ana',
    password: 'ana-first-password',
  });
  assert.equal(login.json(LoginResponse).roleName, 'Helpdesk L1');

  const inUse = await server.admin.request('DELETE', `/api/v1/roles/${role.id}`);
  assert.equal(inUse.status, 409, inUse.text);
  assert.match(inUse.json(ErrorBody).message, /2 users have it/);
  for (const user of users) {
    const moved = await server.admin.request('PATCH', `/api/v1/users/${user.id}`, {
      role: 'technician',
    });
    assert.equal(moved.status, 200, moved.text);
  }
  const deleted = await server.admin.request('DELETE', `/api/v1/roles/${role.id}`);
  assert.equal(deleted.status, 204, deleted.text);
  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=100')).text;
  for (const action of ['role.created', 'role.updated', 'role.deleted'])
    assert.ok(audit.includes(`"${action}"`), action);
});

test('the last-administrator protection is about the administrator role, not about permissions', async () => {
  const everything = await createRole('Everything', ['users.manage', 'roles.manage']);
  assert.equal(everything.status, 201, everything.text);
  const me = (await server.admin.request('GET', '/api/v1/auth/me')).json(LoginResponse);
  const demote = await server.admin.request('PATCH', `/api/v1/users/${me.user.id}`, {
    role: everything.json(RoleResponse).role.id,
  });
  assert.equal(demote.status, 409, demote.text);
  assert.match(demote.json(ErrorBody).message, /last enabled administrator/);
});
