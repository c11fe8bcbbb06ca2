import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  DirectoriesResponse,
  DirectoryTestResult,
  ErrorBody,
  LoginResponse,
  TeamList,
  type DirectoryInput,
} from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { startSlapd, type SlapdInstance } from '../support/slapd.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { adminClient } from '../support/admin-client.js';

const SUFFIX = 'dc=example,dc=com';
const SERVICE_PASSWORD = 'service-account-secret';
const HELPDESK = `cn=helpdesk,ou=groups,${SUFFIX}`;
const ADMINS = `cn=admins,ou=groups,${SUFFIX}`;

function person(uid: string, name: string, extra = ''): string {
  const [given, family] = name.split(' ');
  return `dn: uid=${uid},ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: ${uid}
cn: ${name}
givenName: ${given}
sn: ${family}
userPassword: ${uid}-password
${extra}`;
}

const SEED = [
  `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n`,
  `dn: ou=people,${SUFFIX}\nobjectClass: organizationalUnit\nou: people\n`,
  `dn: ou=groups,${SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n`,
  person('svc-tether', 'Tether Service').replace('svc-tether-password', SERVICE_PASSWORD),
  person('alice', 'Alice Martin'),
  person('bob', 'Bob Durand'),
  person('carol', 'Carol Petit'),
  person('dave', 'Dave Leroy', 'pwdAccountLockedTime: 000001010000Z\n'),
  `dn: ${HELPDESK}\nobjectClass: groupOfNames\ncn: helpdesk\nmember: uid=alice,ou=people,${SUFFIX}\nmember: uid=dave,ou=people,${SUFFIX}\n`,
  `dn: ${ADMINS}\nobjectClass: groupOfNames\ncn: admins\nmember: uid=bob,ou=people,${SUFFIX}\n`,
].join('\n');

let ldap: SlapdInstance;
let server: TestServer;
/** A loopback port that accepts nothing: a dead first server. */
let deadPort: number;
let closedListener: Server;

function directory(
  overrides: Partial<Extract<DirectoryInput, { type: 'ldap' }>> = {},
): DirectoryInput {
  return {
    type: 'ldap',
    id: 'corp',
    name: 'Corporate LDAP',
    enabled: true,
    timeoutSec: 10,
    urls: [ldap.url],
    startTls: true,
    verifyCertificate: true,
    caCertificate: ldap.ca,
    bindDn: `uid=svc-tether,ou=people,${SUFFIX}`,
    bindPassword: SERVICE_PASSWORD,
    userBase: `ou=people,${SUFFIX}`,
    userFilter: '(uid={username})',
    displayNameAttribute: 'cn',
    groupAttribute: 'memberOf',
    groupFilter: '(member={dn})',
    disabledFilter: '(pwdAccountLockedTime=*)',
    mapping: {
      rules: [
        { group: ADMINS, role: 'administrator', teams: [] },
        { group: HELPDESK, role: 'technician', teams: ['Helpdesk'] },
      ],
    },
    ...overrides,
  };
}

async function setDirectories(directories: DirectoryInput[]): Promise<DirectoriesResponse> {
  const response = await adminClient(server).request('PUT', '/conf/api/directories', {
    directories,
  });
  assert.equal(response.status, 200, response.text);
  assert.ok(!response.text.includes(SERVICE_PASSWORD), 'the bind password is never returned');
  return response.json(DirectoriesResponse);
}

async function signIn(username: string, password: string) {
  const response = await server
    .client()
    .request('POST', '/api/v1/auth/login', { username, password });
  return response;
}

async function runTest(username: string, password: string, id = 'corp') {
  const response = await adminClient(server).request('POST', `/conf/api/directories/${id}/test`, {
    username,
    password,
  });
  assert.equal(response.status, 200, response.text);
  assert.ok(!response.text.includes(password), 'the test output never echoes the password');
  assert.ok(!response.text.includes(SERVICE_PASSWORD), 'nor the bind password');
  return response.json(DirectoryTestResult);
}

before(async () => {
  ldap = await startSlapd({ suffix: SUFFIX });
  await ldap.add(SEED);
  server = await createTestServer();
  closedListener = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => closedListener.listen(0, '127.0.0.1', resolve));
  const address = closedListener.address();
  deadPort = typeof address === 'object' && address ? address.port : 0;
  // Nothing listens there any more: connections are refused.
  await new Promise<void>((resolve) => closedListener.close(() => resolve()));
});
after(async () => {
  await server.close();
  await ldap.stop();
});

describe('LDAP directory (real slapd, StartTLS)', () => {
  test('an administrator sets the directory; the bind password is write-only', async () => {
    const saved = await setDirectories([directory()]);
    const [view] = saved.directories;
    assert.equal(saved.source, 'settings');
    assert.equal(view?.type === 'ldap' && view.bindPasswordSet, true);
    // Saved again without the password: the stored one is kept.
    const again = await setDirectories([directory({ bindPassword: undefined })]);
    assert.equal(
      again.directories[0]?.type === 'ldap' && again.directories[0].bindPasswordSet,
      true,
    );
  });

  test('a directory user signs in, is created with the mapped role and their display name', async () => {
    const response = await signIn('alice', 'alice-password');
    assert.equal(response.status, 200, response.text);
    const { user } = response.json(LoginResponse);
    assert.equal(user.source, 'ldap');
    assert.equal(user.role, 'technician');
    assert.equal(user.displayName, 'Alice Martin');
  });

  test('a directory user joins the teams their groups map to, at each sign-in', async () => {
    const created = await server.admin.request('POST', '/api/v1/teams', { name: 'Helpdesk' });
    assert.equal(created.status, 201, created.text);
    const helpdeskMembers = async () =>
      (await server.admin.request('GET', '/api/v1/teams'))
        .json(TeamList)
        .teams.find((team) => team.name === 'Helpdesk')
        ?.members.map((member) => member.username);
    assert.deepEqual(await helpdeskMembers(), [], 'nobody before the sign-in');
    const response = await signIn('alice', 'alice-password');
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(await helpdeskMembers(), ['alice']);
  });

  test('a wrong password is refused', async () => {
    const response = await signIn('alice', 'not-her-password');
    assert.equal(response.status, 401, response.text);
    assert.equal(ErrorBody.parse(JSON.parse(response.text)).code, 'AUTH_FAILED');
  });

  test('the first group rule decides the role: a member of admins is an administrator', async () => {
    const response = await signIn('bob', 'bob-password');
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json(LoginResponse).user.role, 'administrator');
  });

  test('a user of no mapped group is refused and not created', async () => {
    const response = await signIn('carol', 'carol-password');
    assert.equal(response.status, 401, response.text);
    assert.match(response.text, /none of your groups is mapped/);
    const users = await server.admin.request('GET', '/api/v1/users');
    assert.ok(!users.text.includes('"carol"'));
  });

  test('a user disabled in the directory cannot sign in', async () => {
    const response = await signIn('dave', 'dave-password');
    assert.equal(response.status, 401, response.text);
    assert.match(response.text, /disabled/);
  });

  test('a filter in the username matches nobody', async () => {
    const response = await signIn('*', 'alice-password');
    assert.equal(response.status, 401, response.text);
  });

  test('the test action shows each stage the server saw and the mapped role', async () => {
    const result = await runTest('alice', 'alice-password');
    assert.equal(result.outcome, 'accepted');
    const stage = (name: string) => result.stages.find((candidate) => candidate.stage === name);
    assert.match(stage('TLS')?.detail ?? '', /StartTLS/);
    assert.equal(stage('service bind')?.ok, true);
    const search = stage('search');
    assert.ok(search);
    assert.equal(search.detail, `uid=alice,ou=people,${SUFFIX}`);
    const attributes = search.attributes ?? {};
    assert.deepEqual(attributes.cn, ['Alice Martin']);
    assert.ok(!('userPassword' in attributes), 'never a password attribute');
    assert.equal(stage('user bind')?.ok, true);
    assert.deepEqual(result.groups, [HELPDESK]);
    assert.deepEqual(result.mapped, { role: 'technician', teams: ['Helpdesk'] });

    const wrong = await runTest('alice', 'wrong-password-here');
    assert.equal(wrong.outcome, 'rejected');
    const unmapped = await runTest('carol', 'carol-password');
    assert.equal(unmapped.mapped, null);
    assert.match(unmapped.stages.at(-1)?.detail ?? '', /Not mapped/);
  });

  test('the directory is synchronised at each sign-in: a new group changes the role', async () => {
    const moved = `dn: ${HELPDESK}\nchangetype: modify\ndelete: member\nmember: uid=alice,ou=people,${SUFFIX}\n\ndn: ${ADMINS}\nchangetype: modify\nadd: member\nmember: uid=alice,ou=people,${SUFFIX}\n`;
    await ldap.modify(moved);
    const response = await signIn('alice', 'alice-password');
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json(LoginResponse).user.role, 'administrator');
  });

  test('the CLI lists the directories and tests one, never printing a secret', async () => {
    const list = await runCli(['directories', 'list', '--data-dir', server.dataDir]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      /corp\tldap\tCorporate LDAP\tldap:\/\/127\.0\.0\.1:\d+\tenabled, secret set/,
    );
    const tested = await runCli(
      ['directories', 'test', 'corp', 'bob', '--password-stdin', '--data-dir', server.dataDir],
      { input: 'bob-password\n' },
    );
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    assert.match(tested.stdout, /ok {3}search: uid=bob,ou=people/);
    assert.match(tested.stdout, /Mapped: role administrator/);
    assert.ok(!tested.stdout.includes('bob-password') && !tested.stdout.includes(SERVICE_PASSWORD));
    const help = await runCli(['directories', 'test', '--help']);
    assert.match(help.stdout, /--password-stdin/);
  });

  test('the certificate is verified: without the CA, StartTLS fails and nobody signs in', async () => {
    await setDirectories([directory({ caCertificate: undefined })]);
    const result = await runTest('alice', 'alice-password');
    assert.equal(result.outcome, 'error');
    assert.equal(result.stages.find((stage) => stage.stage === 'StartTLS')?.ok, false);
    const response = await signIn('alice', 'alice-password');
    assert.equal(response.status, 503, response.text);
  });

  test('LDAPS with a group search, after a dead first server', async () => {
    await setDirectories([
      directory({
        urls: [`ldap://127.0.0.1:${deadPort}`, ldap.ldapsUrl],
        startTls: false,
        groupAttribute: '',
        groupBase: `ou=groups,${SUFFIX}`,
      }),
    ]);
    const result = await runTest('bob', 'bob-password');
    assert.equal(result.outcome, 'accepted', JSON.stringify(result.stages));
    assert.equal(result.stages[0]?.ok, false, 'the dead server is reported');
    assert.match(result.stages.find((stage) => stage.stage === 'TLS')?.detail ?? '', /LDAPS/);
    assert.deepEqual(result.groups, [ADMINS]);
    const response = await signIn('bob', 'bob-password');
    assert.equal(response.status, 200, response.text);
  });

  test('a filter matching several entries picks nobody', async () => {
    await setDirectories([
      directory({ userFilter: '(&(objectClass=inetOrgPerson)(cn=*{username}*))' }),
    ]);
    const result = await runTest('a', 'alice-password');
    assert.equal(result.outcome, 'unknown');
    assert.match(result.stages.at(-1)?.detail ?? '', /more than one entry matches/);
  });
});
