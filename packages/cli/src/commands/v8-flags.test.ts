import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SERVER_V8_FLAGS } from './v8-flags.js';

test('npm start gives the server its V8 flags on the node command line', () => {
  const root = JSON.parse(
    readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'),
  ) as { scripts: Record<string, string> };
  const start = root.scripts.start ?? '';
  const beforeScript = start.slice(0, start.indexOf('tether.mjs')).split(/\s+/);
  assert.equal(beforeScript[0], 'node');
  for (const flag of SERVER_V8_FLAGS)
    assert.ok(beforeScript.includes(flag), `${flag} in "${start}"`);
});
