import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AGENT_V8_FLAGS, SERVER_V8_FLAGS } from './v8-flags.js';

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

test("the agent package's launcher gives the agent its V8 flags on the node command line", () => {
  const launcher = readFileSync(
    new URL('../../../agent/launcher/tether-agent.sh', import.meta.url),
    'utf8',
  );
  // The exec line, continued over a backslash-newline.
  const exec =
    /^exec "\$version_dir\/runtime\/node"(.*?)"\$version_dir\/app\/tether-agent\.mjs"/ms.exec(
      launcher,
    );
  assert.ok(exec, 'the launcher execs the packaged node with the app');
  const flags = (exec[1] ?? '').replace(/\\\n/g, ' ').trim().split(/\s+/);
  assert.deepEqual(flags, AGENT_V8_FLAGS);
});
