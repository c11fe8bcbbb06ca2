import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LoginResponse, UserList } from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let dir: string;

before(async () => {
  server = await createTestServer();
  dir = await mkdtemp(join(tmpdir(), 'tether-import-'));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const users = (...args: string[]) => runCli(['users', ...args, '--data-dir', server.dataDir]);

async function listed() {
  return (await server.admin.request('GET', '/api/v1/users')).json(UserList).users;
}

const GIVEN = 'ana-initial-password';

test('tether users import: a dry run, the import with a generated password printed once, then nothing to do', async () => {
  const file = join(dir, 'team.csv');
  await writeFile(
    file,
    [
      'username,displayName,role,password,disabled',
      'ana,Ana Lima,technician,' + GIVEN + ',',
      'bo,Bo Berg,privileged,,',
      'cy,,boss,,',
    ].join('\n'),
  );
  const dry = await users('import', file, '--dry-run');
  assert.equal(dry.code, 1, 'a refused row exits with 1');
  assert.match(dry.stdout, /^2\tana\tcreated\t$/m);
  assert.match(dry.stdout, /^3\tbo\tcreated\tpassword will be generated$/m);
  assert.match(dry.stdout, /^4\tcy\trefused\tthere is no role "boss": use administrator/m);
  assert.match(
    dry.stdout,
    /Dry run: 2 created, 0 updated, 0 unchanged, 1 refused\. Nothing was changed\./,
  );
  assert.ok(!(await listed()).some((user) => user.username === 'ana'), 'a dry run changes nothing');

  const imported = await users('import', file);
  assert.equal(imported.code, 1, imported.stderr);
  assert.ok(!imported.stdout.includes(GIVEN), 'a given password is never printed');
  const password = /^3\tbo\tcreated\tpassword (\S+) \(must be changed\)$/m.exec(
    imported.stdout,
  )?.[1];
  assert.ok(password, imported.stdout);
  const bo = server.client();
  const login = await bo.request('POST', '/api/v1/auth/login', { username: 'bo', password });
  assert.equal(login.status, 200, login.text);
  assert.equal(login.json(LoginResponse).user.mustChangePassword, true);

  await writeFile(
    file,
    'username,displayName,role,password,disabled\nana,Ana Lima,technician,,\nbo,Bo Berg,privileged,,\n',
  );
  const again = await users('import', file);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 created, 0 updated, 2 unchanged, 0 refused\./);
});

test('tether users import reads JSON and shows progress on long imports', async () => {
  const file = join(dir, 'many.json');
  const many = Array.from({ length: 60 }, (_, index) => ({
    username: `many${index}`,
    role: 'technician',
  }));
  await writeFile(file, JSON.stringify({ users: many }));
  const imported = await users('import', file);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /60 created/);
  assert.match(imported.stderr, /Imported 60 of 60 users/);
  const malformed = await users('import', file, '--format', 'csv');
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /The CSV file cannot be read at line 1/);
});

test('tether users edit changes the display name and role, and forces a password change', async () => {
  const created = await users('create', 'dee', '--role', 'technician', '--keep-password');
  assert.equal(created.code, 0, created.stderr);
  const edited = await users(
    'edit',
    'dee',
    '--display-name',
    'Dee Ray',
    '--role',
    'privileged',
    '--must-change-password',
  );
  assert.equal(edited.code, 0, edited.stderr);
  const dee = (await listed()).find((user) => user.username === 'dee');
  assert.deepEqual(
    [dee?.displayName, dee?.role, dee?.mustChangePassword],
    ['Dee Ray', 'privileged', true],
  );
  const lifted = await users('edit', 'dee', '--no-must-change-password');
  assert.equal(lifted.code, 0, lifted.stderr);
  assert.equal((await listed()).find((user) => user.username === 'dee')?.mustChangePassword, false);

  const nothing = await users('edit', 'dee');
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /Nothing to change/);
  const both = await users('edit', 'dee', '--must-change-password', '--no-must-change-password');
  assert.equal(both.code, 1);
  const lastAdmin = await users('edit', 'admin', '--role', 'technician');
  assert.equal(lastAdmin.code, 1);
  assert.match(lastAdmin.stderr, /last enabled administrator/);
  const help = await users('edit', '--help');
  assert.match(help.stdout, /--must-change-password/);
});
