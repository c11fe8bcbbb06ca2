import assert from 'node:assert/strict';
import { randomBytes, scrypt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import {
  ErrorBody,
  ImportUsersResponse,
  LoginResponse,
  UserList,
  type ImportUsersRequest,
} from '@tether/protocol';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

async function importUsers(request: ImportUsersRequest) {
  const response = await server.admin.request('POST', '/api/v1/users/import', request);
  assert.equal(response.status, 200, response.text);
  return { result: response.json(ImportUsersResponse), text: response.text };
}

async function users() {
  return (await server.admin.request('GET', '/api/v1/users')).json(UserList).users;
}

async function signIn(username: string, password: string) {
  const client = server.client();
  const login = await client.request('POST', '/api/v1/auth/login', { username, password });
  assert.equal(login.status, 200, login.text);
  return login.json(LoginResponse).user;
}

/** One scrypt hash with the parameters of a chosen password (the server's `hashPassword`). */
function fullCostHash(): Promise<void> {
  return new Promise((resolve, reject) => {
    scrypt(
      'a password',
      randomBytes(16),
      32,
      { N: 1 << 15, r: 8, p: 1, maxmem: 128 << 20 },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

const given = (index: number) => `given-password-${index}-long`;

/** 1,000 technicians; every 100th gives its own password, tech25, tech75, … are disabled. */
function thousandUsers(): string {
  const lines = ['username,display name,role,password,disabled'];
  for (let index = 1; index <= 1000; index++) {
    const password = index % 100 === 0 ? given(index) : '';
    lines.push(`tech${index},"Technician ${index}",technician,${password},${index % 50 === 25}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('bulk import of users', () => {
  test('1,000 users: a dry run creates nothing, the import creates them all, the same file again changes nothing', async (t) => {
    const content = thousandUsers();
    const before = (await users()).length;

    const dry = await importUsers({ format: 'csv', content, dryRun: true });
    assert.equal(dry.result.applied, false);
    assert.deepEqual(dry.result.counts, { created: 1000, updated: 0, unchanged: 0, refused: 0 });
    assert.equal((await users()).length, before, 'a dry run creates nobody');
    assert.ok(dry.result.rows.every((row) => row.generatedPassword === undefined));
    assert.deepEqual(dry.result.rows[0], {
      row: 2,
      username: 'tech1',
      outcome: 'created',
      initialPassword: 'generated',
    });

    const started = performance.now();
    const applied = await importUsers({ format: 'csv', content });
    const seconds = (performance.now() - started) / 1000;
    // The reference, measured now on the same machine: hashing every password at full cost.
    const referenceStarted = performance.now();
    for (let index = 0; index < 10; index++) await fullCostHash();
    const reference = ((performance.now() - referenceStarted) / 1000) * 100;
    t.diagnostic(
      `import of 1,000 users (990 generated, 10 given passwords): ${seconds.toFixed(1)} s; 1,000 full-cost hashes one at a time would take ${reference.toFixed(0)} s (10 measured)`,
    );
    assert.deepEqual(applied.result.counts, {
      created: 1000,
      updated: 0,
      unchanged: 0,
      refused: 0,
    });
    for (let index = 100; index <= 1000; index += 100)
      assert.ok(!applied.text.includes(given(index)), 'a given password is never echoed');
    const all = await users();
    assert.equal(all.length, before + 1000);
    const tech25 = all.find((user) => user.username === 'tech25');
    assert.deepEqual(
      [tech25?.displayName, tech25?.role, tech25?.disabled, tech25?.mustChangePassword],
      ['Technician 25', 'technician', true, true],
    );
    const row7 = applied.result.rows.find((row) => row.username === 'tech7');
    assert.equal(row7?.initialPassword, 'generated');
    const generated = row7.generatedPassword ?? '';
    assert.equal((await signIn('tech7', generated)).mustChangePassword, true);
    assert.equal((await signIn('tech300', given(300))).mustChangePassword, true);

    const again = await importUsers({ format: 'csv', content });
    assert.deepEqual(again.result.counts, { created: 0, updated: 0, unchanged: 1000, refused: 0 });
    assert.ok(again.result.rows.every((row) => row.generatedPassword === undefined));
    assert.equal((await users()).length, before + 1000);
    assert.equal((await signIn('tech7', generated)).username, 'tech7', 'password kept');
  });

  test('bad rows are refused one by one with the row, field and reason; the good rows apply', async () => {
    const content = [
      'Username;Display Name;Role;Initial password;Disabled',
      'good1;Good One;privileged;;',
      'bad role;;technician;;',
      'badrole;;superuser;;',
      'shortpw;;technician;tooshort;',
      'norole;;;;',
      'good1;Again;technician;;',
      'badflag;;technician;;maybe',
      'cells;;technician;;no;extra',
      'good2;;technician;;no',
    ].join('\r\n');
    const { result, text } = await importUsers({ format: 'csv', content });
    const byRow = new Map(result.rows.map((row) => [row.row, row]));
    const refusal = (row: number) => [byRow.get(row)?.outcome, byRow.get(row)?.field];
    assert.equal(byRow.get(2)?.outcome, 'created');
    assert.deepEqual(refusal(3), ['refused', 'username']);
    assert.match(byRow.get(3)?.reason ?? '', /letters, digits/);
    assert.deepEqual(refusal(4), ['refused', 'role']);
    assert.match(byRow.get(4)?.reason ?? '', /administrator/);
    assert.deepEqual(refusal(5), ['refused', 'password']);
    assert.match(byRow.get(5)?.reason ?? '', /12/);
    assert.deepEqual(refusal(6), ['refused', 'role']);
    assert.match(byRow.get(6)?.reason ?? '', /required for a new user/);
    assert.deepEqual(refusal(7), ['refused', 'username']);
    assert.match(byRow.get(7)?.reason ?? '', /row 2/);
    assert.deepEqual(refusal(8), ['refused', 'disabled']);
    assert.equal(byRow.get(9)?.outcome, 'refused');
    assert.match(byRow.get(9)?.reason ?? '', /6 cells/);
    assert.equal(byRow.get(10)?.outcome, 'created');
    assert.ok(!text.includes('tooshort'), 'a refused password is not echoed either');
    const names = (await users()).map((user) => user.username);
    assert.ok(names.includes('good1') && names.includes('good2'));
    assert.ok(!names.includes('badrole') && !names.includes('norole'));
  });

  test('all or nothing: one refused row and nothing applies', async () => {
    const content = JSON.stringify({
      users: [
        { username: 'atomic1', role: 'technician' },
        { username: 'atomic2', role: 'technician', emial: 'typo@example.com' },
      ],
    });
    const { result } = await importUsers({ format: 'json', content, allOrNothing: true });
    assert.equal(result.applied, false);
    assert.deepEqual(
      result.rows.map((row) => [row.row, row.outcome, row.field]),
      [
        [1, 'created', undefined],
        [2, 'refused', 'emial'],
      ],
    );
    assert.ok(!(await users()).some((user) => user.username === 'atomic1'));
  });

  test('an existing user is updated field by field; a password for them is ignored with a note; the last administrator stays', async () => {
    await importUsers({
      format: 'json',
      content: JSON.stringify([{ username: 'sam', role: 'technician', displayName: 'Sam' }]),
    });
    const { result, text } = await importUsers({
      format: 'json',
      content: JSON.stringify([
        { username: 'SAM', role: 'privileged', password: 'a-new-password-for-sam' },
        { username: 'admin', role: 'technician' },
      ]),
    });
    const [sam, admin] = result.rows;
    assert.equal(sam?.outcome, 'updated');
    assert.deepEqual(sam.changes, ['role']);
    assert.match(sam.notes?.[0] ?? '', /not changed/);
    assert.ok(!text.includes('a-new-password-for-sam'));
    assert.deepEqual([admin?.outcome, admin?.field], ['refused', 'role']);
    assert.match(admin?.reason ?? '', /no enabled administrator/);
    const after = await users();
    assert.equal(after.find((user) => user.username === 'sam')?.displayName, 'Sam', 'kept');
    assert.equal(after.find((user) => user.username === 'admin')?.role, 'administrator');
  });

  test('a file that cannot be read is refused as a whole without quoting it', async () => {
    for (const [format, content] of [
      ['csv', 'username,role\n"secret-password-123,technician\n'],
      ['csv', 'username,role,email\njo,technician,jo@example.com\n'],
      ['json', '[{"username": "jo", "password": "secret-password-123"'],
    ] as const) {
      const response = await server.admin.request('POST', '/api/v1/users/import', {
        format,
        content,
      });
      assert.equal(response.status, 422, response.text);
      assert.equal(ErrorBody.parse(JSON.parse(response.text)).code, 'INVALID_INPUT');
      assert.ok(!response.text.includes('secret-password'), response.text);
    }
    const technician = server.client();
    await server.admin.request('POST', '/api/v1/users', {
      username: 'viewer',
      role: 'technician',
      password: 'viewer-password-123',
      mustChangePassword: false,
    });
    await technician.request('POST', '/api/v1/auth/login', {
      username: 'viewer',
      password: 'viewer-password-123',
    });
    const forbidden = await technician.request('POST', '/api/v1/users/import', {
      format: 'csv',
      content: 'username,role\nx,administrator\n',
    });
    assert.equal(forbidden.status, 403);
  });
});
