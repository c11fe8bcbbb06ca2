import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@tether/protocol';
import { readImportFile } from './import-file.js';

const refusal = (error: unknown) => (error instanceof AppError ? error.message : String(error));

test('a spreadsheet CSV: BOM, semicolons, header names as people write them, quoted cells over lines', async () => {
  const content =
    '\uFEFFUser name;Display_Name;ROLE;Initial password;disabled\r\n' +
    'jo;"Martin; Jo";technician;;YES\r\n' +
    '\r\n' +
    'kim;"Kim\nLee";;;0\r\n';
  assert.deepEqual(await readImportFile('csv', content), [
    {
      row: 2,
      fields: { username: 'jo', displayName: 'Martin; Jo', role: 'technician', disabled: true },
    },
    { row: 5, fields: { username: 'kim', displayName: 'Kim\nLee', disabled: false } },
  ]);
});

test('a cell that is not a yes or no stays text for validation to refuse', async () => {
  const [row] = await readImportFile('csv', 'username,disabled\njo,perhaps\n');
  assert.deepEqual(row?.fields, { username: 'jo', disabled: 'perhaps' });
});

test('a file without a username column, with an unknown or repeated one, is refused whole', async () => {
  for (const [header, reason] of [
    ['displayName,role', /needs a "username" column/],
    ['username,e-mail', /Unknown column "e-mail"/],
    ['username,role,Role', /"role" appears twice/],
  ] as const)
    await assert.rejects(readImportFile('csv', `${header}\njo,technician,x\n`), (error) =>
      reason.test(refusal(error)),
    );
  await assert.rejects(readImportFile('csv', ''), (error) => /empty/.test(refusal(error)));
});

test('JSON: a list or { users }, and an entry that is not an object is a refused row', async () => {
  const rows = await readImportFile('json', '{"users": [{"username": "jo"}, "kim"]}');
  assert.deepEqual(rows[0], { row: 1, fields: { username: 'jo' } });
  assert.match(rows[1]?.problem?.reason ?? '', /must be an object/);
  await assert.rejects(readImportFile('json', '{"people": []}'), (error) =>
    /array of users/.test(refusal(error)),
  );
});

test('more than 10,000 users is refused; the message never quotes the file', async () => {
  const many = JSON.stringify(
    Array.from({ length: 10_001 }, (_, index) => ({ username: `u${index}` })),
  );
  await assert.rejects(readImportFile('json', many), (error) =>
    /at most 10000/.test(refusal(error)),
  );
  await assert.rejects(
    readImportFile('json', '[{"password": "hunter2-secret'),
    (error) => !refusal(error).includes('hunter2'),
  );
});
