import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import {
  CreateDeviceKeyResponse,
  CreateScriptTokenResponse,
  ErrorBody,
  RequestControlResponse,
  Tenant,
  fillConnectUrl,
} from '@tether/protocol';
import { createControlUrl, decryptDeviceKey } from '@tether/sdk/node';
import { runCli } from '../support/cli.js';
import { createTenant, createTokenClient, joinByTicket, readRollout } from '../support/oem.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);
let server: TestServer;
let agent: Awaited<ReturnType<TestServer['startAgent']>>;
let work: string;

before(async () => {
  server = await createTestServer();
  agent = await server.startAgent();
  work = await mkdtemp(join(tmpdir(), 'tether-oem-compat-'));
});
after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** An HTTP call with the body exactly as given, as the vendor document's C# sample makes it. */
function raw(input: {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(input.path, server.url),
      {
        method: input.method,
        ca: server.ca,
        headers: {
          // Node frames a DELETE body only when told its length (as .NET's client does).
          ...(input.body === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(input.body)),
              }),
          ...input.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(input.body);
  });
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

/** The names of the files under the agent's data directory that hold a PEM private key. */
async function privateKeysOnDevice(): Promise<string[]> {
  const entries = await readdir(agent.dataDir, { withFileTypes: true, recursive: true });
  const found: string[] = [];
  for (const entry of entries.filter((file) => file.isFile())) {
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8').catch(() => '');
    if (/PRIVATE KEY/.test(text)) found.push(entry.name);
  }
  return found;
}

/** Rolls a key out with a bare POST and returns the reply, checked like the sample deserialises it. */
async function createDeviceKey(tenantId: string, secret: string) {
  const rollout = await readRollout(agent.dataDir);
  const response = await raw({
    method: 'POST',
    path: '/api/v1/oem/devices/createdevicekey',
    headers: bearer(secret),
    body: JSON.stringify({
      key_permissions: 'unattended',
      remotecontrol_id: rollout.remoteControlId,
      request_id: `{${rollout.requestId}}`,
      tenant_id: tenantId,
    }),
  });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.headers['cache-control'], 'no-store');
  return { rollout, created: CreateDeviceKeyResponse.parse(JSON.parse(response.text)) };
}

async function requestControl(input: {
  tenantId: string;
  secret: string;
  remoteControlId: string;
  deviceKeyId: string;
  tenantNonce: string;
}) {
  const response = await raw({
    method: 'POST',
    path: '/api/v1/oem/devices/requestcontrol',
    headers: bearer(input.secret),
    body: JSON.stringify({
      control_type: 'unattended',
      device_key_id: `{${input.deviceKeyId}}`,
      remotecontrol_id: input.remoteControlId,
      tenant_id: input.tenantId,
      tenant_nonce: input.tenantNonce,
    }),
  });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.headers['cache-control'], 'no-store');
  return RequestControlResponse.parse(JSON.parse(response.text));
}

/** `openssl pkeyutl -decrypt` with RSA-OAEP and `hash`: an implementation independent of ours. */
async function opensslDecryptSecret(input: {
  keyPem: string;
  encrypted: string;
  hash: 'sha1' | 'sha256';
}): Promise<Buffer> {
  const secretFile = join(work, `secret-${input.hash}.bin`);
  await writeFile(secretFile, Buffer.from(input.encrypted, 'base64url'));
  const { stdout } = await run(
    'openssl',
    [
      'pkeyutl',
      '-decrypt',
      '-inkey',
      input.keyPem,
      '-pkeyopt',
      'rsa_padding_mode:oaep',
      '-pkeyopt',
      `rsa_oaep_md:${input.hash}`,
      '-in',
      secretFile,
    ],
    { encoding: 'buffer' },
  );
  return stdout;
}

test('a seed-001 tenant gets exactly the vendor document formats, read by openssl, and the URL opens a session', async () => {
  const created = await server.admin.request('POST', '/api/v1/oem/tenants', {
    name: 'Sample code RMM',
    groups: ['Test devices'],
    compatibility: 'seed-001',
  });
  assert.equal(created.status, 201, created.text);
  const tenant = created.json(Tenant);
  assert.equal(tenant.compatibility, 'seed-001');
  const { secret, oem } = await createTokenClient(server, tenant.id);

  // Rollout: the traditional PEM with the document's headers, opened by `openssl rsa`.
  const { rollout, created: key } = await createDeviceKey(tenant.id, secret);
  assert.match(
    key.encrypted_device_key,
    /^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,[0-9A-F]{32}\n\n/,
  );
  const encryptedPem = join(work, 'device-key.enc.pem');
  const clearPem = join(work, 'device-key.pem');
  await writeFile(encryptedPem, key.encrypted_device_key);
  await run('openssl', [
    'rsa',
    '-in',
    encryptedPem,
    '-passin',
    `pass:${rollout.rolloutKey}`,
    '-out',
    clearPem,
  ]);
  await assert.rejects(
    run('openssl', ['rsa', '-in', encryptedPem, '-passin', 'pass:wrong', '-noout']),
  );
  // The device keeps the public half only (identity.pem is the agent's own Ed25519 identity).
  assert.deepEqual(await privateKeysOnDevice(), ['identity.pem']);
  const stored = JSON.parse(
    await readFile(join(agent.dataDir, 'oem-keys', `${key.device_key_id}.json`), 'utf8'),
  ) as { publicKey?: string };
  const { stdout: publicHalf } = await run('openssl', ['rsa', '-in', clearPem, '-pubout']);
  assert.equal(stored.publicKey, publicHalf);

  // Control: the DeviceSecret is RSA-OAEP with SHA-1, as BouncyCastle's OaepEncoding reads it.
  const tenantNonce = '243dd78d07324ab7befa41390d08d35f';
  const control = await requestControl({
    tenantId: tenant.id,
    secret,
    remoteControlId: rollout.remoteControlId,
    deviceKeyId: key.device_key_id,
    tenantNonce,
  });
  await assert.rejects(
    opensslDecryptSecret({
      keyPem: clearPem,
      encrypted: control.encrypted_device_secret,
      hash: 'sha256',
    }),
    'not SHA-256 for this tenant',
  );
  const deviceSecret = await opensslDecryptSecret({
    keyPem: clearPem,
    encrypted: control.encrypted_device_secret,
    hash: 'sha1',
  });
  assert.equal(deviceSecret.length, 32);
  const hashVerifier = `${tenantNonce}${control.target_nonce}${tenant.id.slice(1)}${rollout.remoteControlId.slice(1)}`;
  const masterSecret = createHmac('sha512', deviceSecret).update(hashVerifier).digest('base64url');
  const opened = await server
    .client()
    .request('GET', fillConnectUrl(control.url_template, masterSecret));
  assert.equal(opened.status, 302, opened.text);
  const terminal = await joinByTicket(server.client(), String(opened.headers.location));

  // The SDK reads both formats without being told which.
  const sdkUrl = await createControlUrl({
    oem,
    tenantId: tenant.id,
    remoteControlId: rollout.remoteControlId,
    deviceKeyId: key.device_key_id,
    deviceKey: decryptDeviceKey(key.encrypted_device_key, rollout.rolloutKey),
    controlType: 'unattended',
  });
  const sdkOpened = await server.client().request('GET', sdkUrl);
  assert.equal(sdkOpened.status, 302, sdkOpened.text);
  const second = await joinByTicket(server.client(), String(sdkOpened.headers.location));

  // Unregister on the path the document's prose names.
  const unregistered = await raw({
    method: 'DELETE',
    path: '/api/v1/oem/devices/unregister',
    headers: bearer(secret),
    body: JSON.stringify({
      tenant_id: tenant.id,
      remotecontrol_id: rollout.remoteControlId,
      device_key_id: key.device_key_id,
      decommission_token: key.decommission_token,
    }),
  });
  assert.equal(unregistered.status, 204, unregistered.text);
  assert.match((await terminal.closed).reason, /unregistered/);
  assert.match((await second.closed).reason, /unregistered/);
});

test('switching a tenant back to standard gives PKCS#8 keys and SHA-256 secrets from then on', async () => {
  const tenant = await createTenant(server, 'Switching RMM', ['Test devices']);
  assert.equal(tenant.compatibility, 'standard');
  const cli = await runCli([
    'oem',
    'tenant',
    'set',
    tenant.id,
    '--compat',
    'seed-001',
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /compat: seed-001/);
  const { secret } = await createTokenClient(server, tenant.id);
  assert.match(
    (await createDeviceKey(tenant.id, secret)).created.encrypted_device_key,
    /BEGIN RSA PRIVATE KEY/,
  );

  const back = await server.admin.request('PUT', `/api/v1/oem/tenants/${tenant.id}/compatibility`, {
    compatibility: 'standard',
  });
  assert.equal(back.status, 200, back.text);
  const { rollout, created: key } = await createDeviceKey(tenant.id, secret);
  assert.match(key.encrypted_device_key, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
  const encryptedPem = join(work, 'standard.enc.pem');
  const clearPem = join(work, 'standard.pem');
  await writeFile(encryptedPem, key.encrypted_device_key);
  await run('openssl', [
    'pkey',
    '-in',
    encryptedPem,
    '-passin',
    `pass:${rollout.rolloutKey}`,
    '-out',
    clearPem,
  ]);
  const control = await requestControl({
    tenantId: tenant.id,
    secret,
    remoteControlId: rollout.remoteControlId,
    deviceKeyId: key.device_key_id,
    tenantNonce: 'b'.repeat(32),
  });
  await assert.rejects(
    opensslDecryptSecret({
      keyPem: clearPem,
      encrypted: control.encrypted_device_secret,
      hash: 'sha1',
    }),
  );
  const deviceSecret = await opensslDecryptSecret({
    keyPem: clearPem,
    encrypted: control.encrypted_device_secret,
    hash: 'sha256',
  });
  assert.equal(deviceSecret.length, 32);

  const bad = await server.admin.request('PUT', `/api/v1/oem/tenants/${tenant.id}/compatibility`, {
    compatibility: 'seed-002',
  });
  assert.equal(bad.status, 422);
  const list = await runCli(['oem', 'tenant', 'list', '--data-dir', server.dataDir]);
  assert.match(list.stdout, new RegExp(`${tenant.id} .*compat: standard`));
});

test('malformed JSON to an integration endpoint is a 400 INVALID_INPUT, and nothing is rolled out', async () => {
  const tenant = await createTenant(server, 'Typo RMM', ['Test devices']);
  const { secret } = await createTokenClient(server, tenant.id);
  const rollout = await readRollout(agent.dataDir);
  const response = await raw({
    method: 'POST',
    path: '/api/v1/oem/devices/createdevicekey',
    headers: bearer(secret),
    body: `{"key_permissions": "attended", "remotecontrol_id": "${rollout.remoteControlId}",`,
  });
  assert.equal(response.status, 400);
  assert.deepEqual(ErrorBody.parse(JSON.parse(response.text)), {
    code: 'INVALID_INPUT',
    message: 'The request body is not valid JSON.',
  });
  assert.deepEqual(await readRollout(agent.dataDir), rollout, 'the rollout data was not used');
});

test('secrets in answers are marked no-store: script token creation', async () => {
  const tenant = await createTenant(server, 'Cache RMM', ['Test devices']);
  const response = await server.admin.request('POST', `/api/v1/oem/tenants/${tenant.id}/tokens`, {
    name: 'deploy',
    permissions: ['createDeviceKey'],
  });
  assert.equal(response.status, 201);
  assert.ok(response.json(CreateScriptTokenResponse).secret);
  assert.equal(response.headers['cache-control'], 'no-store');
});

test('a refused control URL is a page for browsers and a JSON 403 for API clients', async () => {
  const path = `/oem/connect?tenant=t1&device=r1&key=${'k'.repeat(8)}&nonce=${'n'.repeat(32)}&secret=${'s'.repeat(43)}`;
  const browser = await raw({
    method: 'GET',
    path,
    headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
  });
  assert.equal(browser.status, 403);
  assert.match(String(browser.headers['content-type']), /^text\/html/);
  assert.equal(browser.headers['cache-control'], 'no-store');
  assert.match(browser.text, /<h1>This connection link is no longer valid<\/h1>/);
  assert.match(browser.text, /for a new one/);

  for (const accept of ['application/json', undefined]) {
    const api = await raw({ method: 'GET', path, headers: accept ? { accept } : {} });
    assert.equal(api.status, 403);
    assert.equal(ErrorBody.parse(JSON.parse(api.text)).code, 'FORBIDDEN', `Accept: ${accept}`);
  }
});
