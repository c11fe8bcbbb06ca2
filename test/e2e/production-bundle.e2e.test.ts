import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as protocol from '@tether/protocol';
import { DeviceList, ENDPOINTS, OpenApiDocument, openApiDocument } from '@tether/protocol';
import { stopProcess, waitFor } from '../support/cli.js';
import { startFreeRadius } from '../support/freeradius.js';
import { HttpsClient } from '../support/https-client.js';
import { freePort } from '../support/server-process.js';
import { openTerminal } from '../support/terminal-client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const password = 'bundle-test-password-1';

/**
 * A bundle of its own, beside packages/cli/dist (the bundle finds the console and node_modules
 * by relative paths): the other tests run the CLI from packages/cli/dist while this one builds.
 */
let bundleDir = '';
let bundle = '';
let dataDir = '';

before(async () => {
  // Builds from the current sources, so the test checks this checkout's bundle.
  bundleDir = await mkdtemp(join(root, 'packages/cli/dist-test-'));
  bundle = join(bundleDir, 'tether.mjs');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--out', bundleDir], {
    stdio: 'pipe',
  });
  dataDir = await mkdtemp(join(tmpdir(), 'tether-bundle-'));
});

after(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(bundleDir, { recursive: true, force: true });
});

/** The bundle files a file imports statically, followed through the imports they make. */
async function staticImports(file: string, seen = new Set<string>()): Promise<Set<string>> {
  const text = await readFile(join(bundleDir, file), 'utf8');
  for (const [, imported] of text.matchAll(/^(?:import|export) [^;]*?from "\.\/([^"]+)";/gms)) {
    if (imported && !seen.has(imported)) {
      seen.add(imported);
      await staticImports(imported, seen);
    }
  }
  return seen;
}

test('the bundled tether prints its help, and starting it loads neither server, agent nor zod', async () => {
  const result = spawnSync(process.execPath, [bundle, '--help'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Usage: tether <command>/);
  assert.match(result.stdout, /agent run/);
  const loadedAtStart = await staticImports('tether.mjs');
  assert.ok(!loadedAtStart.has('server.mjs'), [...loadedAtStart].join(', '));
  assert.ok(!loadedAtStart.has('agent.mjs'), [...loadedAtStart].join(', '));
  // Nor zod (~30 ms of a 150 ms budget): commands load the protocol's schemas when they run.
  for (const file of ['tether.mjs', ...loadedAtStart]) {
    const text = await readFile(join(bundleDir, file), 'utf8');
    assert.ok(!text.includes('"$ZodType"'), `${file}, loaded by \`tether --help\`, holds zod`);
  }
  // The agent's own graph never reaches the server's code.
  assert.ok(!(await staticImports('agent.mjs')).has('server.mjs'));
});

test('npm start runs the bundles: the demo server and its agent work end to end', async () => {
  const port = await freePort();
  const demo = spawn(
    process.execPath,
    [
      ...[bundle, 'demo', '--data-dir', dataDir, '--host', '127.0.0.1'],
      ...['--port', String(port), '--admin-port', '0'],
    ],
    {
      env: { ...process.env, TETHER_ADMIN_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitFor('the demo to start', () => {
      if (demo.exitCode !== null) throw new Error(`the demo exited early:\n${output}`);
      return output.includes('Press Ctrl+C') ? true : undefined;
    });

    // The agent the demo started runs from the bundle too, not through tsx.
    const children = execFileSync('ps', ['--ppid', String(demo.pid), '-o', 'args='], {
      encoding: 'utf8',
    });
    assert.ok(children.includes(`${bundle} agent run`), children);
    assert.doesNotMatch(children, /tsx/);

    const client = new HttpsClient(
      `https://localhost:${port}`,
      await readFile(join(dataDir, 'keys', 'tls-self-signed.crt'), 'utf8'),
    );
    const login = await client.request('POST', '/api/v1/auth/login', {
      username: 'admin',
      password,
    });
    assert.equal(login.status, 200, login.text);
    const device = await waitFor('the demo agent to come online', async () => {
      const list = (await client.request('GET', '/api/v1/devices')).json(DeviceList);
      return list.devices.find((candidate) => candidate.online);
    });

    const terminal = await openTerminal(client, device.id);
    terminal.type('echo bundle-$((6*7))\n');
    await terminal.waitForOutput(/bundle-42/);
    await terminal.close();

    // The API reference names its components from the protocol's exports, which the bundler
    // splits across chunks (an export it dropped once made this a 500 in the bundle only).
    const reference = await client.request('GET', '/api/v1/openapi.json');
    assert.equal(reference.status, 200, reference.text);
    const served = reference.json(OpenApiDocument);
    const generated = openApiDocument({
      endpoints: ENDPOINTS,
      serverUrl: `https://localhost:${port}`,
      namedSchemas: protocol,
    });
    assert.deepEqual(Object.keys(served.paths).sort(), Object.keys(generated.paths).sort());
    const schemaNames = (document: OpenApiDocument) =>
      Object.keys((document.components as { schemas: object }).schemas).sort();
    assert.deepEqual(schemaNames(served), schemaNames(generated), 'the same named components');
  } finally {
    await stopProcess(demo, 'SIGTERM');
  }
  assert.equal(demo.exitCode, 0, output);
});

test('the bundle asks a RADIUS server: the radius package still finds its dictionaries', async () => {
  // `radius` reads its attribute dictionaries from its own folder at run time, so the bundle
  // loads it from node_modules (scripts/build.mjs).
  const secret = 'bundle-radius-secret';
  const radius = await startFreeRadius({
    secret,
    users: [{ username: 'rita', password: 'rita-password', classes: ['helpdesk'] }],
    challenge: { username: 'olivia', code: '1' },
  });
  try {
    const config = join(dataDir, 'directories.json');
    const directory = {
      type: 'radius',
      id: 'tokens',
      name: 'Tokens',
      servers: [{ host: radius.host, port: radius.port }],
      secret,
      mapping: { rules: [{ group: 'helpdesk', role: 'technician' }] },
    };
    await writeFile(config, JSON.stringify({ dataDir, directories: [directory] }));
    const args = ['directories', 'test', 'tokens', 'rita', '--password-stdin', '--config', config];
    const result = spawnSync(process.execPath, [bundle, ...args], {
      input: 'rita-password\n',
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /answered Access-Accept/);
    assert.match(result.stdout, /Mapped: role technician/);
    assert.ok(!result.stdout.includes(secret) && !result.stdout.includes('rita-password'));
  } finally {
    await radius.stop();
  }
});
