import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { AppError } from '@tether/protocol';
import { createOemClient } from '../src/node/index.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
/** What the fake server answers next: status and JSON body (undefined = no body). */
let next: { status: number; body?: unknown } = { status: 200 };

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

before(async () => {
  server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          authorization: req.headers.authorization,
          body,
        });
        res.writeHead(next.status, { 'content-type': 'application/json' });
        res.end(next.body === undefined ? undefined : JSON.stringify(next.body));
      },
      () => res.writeHead(400).end(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const oem = () => createOemClient({ baseUrl, token: 'script-token-secret' });

test('createDeviceKey posts the document body with the bearer token and maps the reply', async () => {
  next = {
    status: 200,
    body: { device_key_id: 'k1', encrypted_device_key: 'PEM', decommission_token: 'd'.repeat(43) },
  };
  const created = await oem().createDeviceKey({
    tenantId: 't1001',
    rollout: { requestId: '8c4fa1a7-9d1c-41e9-be17-70e95c289080', remoteControlId: 'r124124124' },
    keyPermissions: ['unattended'],
  });
  assert.deepEqual(created, {
    deviceKeyId: 'k1',
    encryptedDeviceKey: 'PEM',
    decommissionToken: 'd'.repeat(43),
  });
  assert.deepEqual(seen.at(-1), {
    method: 'POST',
    url: '/api/v1/oem/devices/createdevicekey',
    authorization: 'Bearer script-token-secret',
    body: {
      key_permissions: ['unattended'],
      remotecontrol_id: 'r124124124',
      request_id: '8c4fa1a7-9d1c-41e9-be17-70e95c289080',
      tenant_id: 't1001',
    },
  });
});

test('requestControl sends a fresh 32-hex-digit tenant nonce and returns it with the reply', async () => {
  next = {
    status: 200,
    body: {
      encrypted_device_secret: 'c2VjcmV0',
      target_nonce: 'n'.repeat(32),
      url_template: 'https://x/YOUR_MASTER_SECRET',
    },
  };
  const input = {
    tenantId: 't1001',
    remoteControlId: 'r124124124',
    deviceKeyId: 'k1',
    controlType: 'attended',
  } as const;
  const first = await oem().requestControl(input);
  const second = await oem().requestControl(input);
  assert.match(first.tenantNonce, /^[0-9a-f]{32}$/);
  assert.notEqual(first.tenantNonce, second.tenantNonce);
  assert.deepEqual(seen.at(-2)?.body, {
    control_type: 'attended',
    device_key_id: 'k1',
    remotecontrol_id: 'r124124124',
    tenant_id: 't1001',
    tenant_nonce: first.tenantNonce,
  });
  assert.equal(first.urlTemplate, 'https://x/YOUR_MASTER_SECRET');
});

test('unregister sends DELETE /api/v1/oem/devices and resolves on 204', async () => {
  next = { status: 204 };
  await oem().unregister({
    tenantId: 't1001',
    remoteControlId: 'r124124124',
    deviceKeyId: 'k1',
    decommissionToken: 'd'.repeat(43),
  });
  assert.equal(seen.at(-1)?.method, 'DELETE');
  assert.equal(seen.at(-1)?.url, '/api/v1/oem/devices');
});

test('error bodies keep the server code and message; the token is not in them', async () => {
  next = {
    status: 403,
    body: { code: 'FORBIDDEN', message: 'This token may not request control.' },
  };
  const failure = oem().requestControl({
    tenantId: 't1001',
    remoteControlId: 'r1',
    deviceKeyId: 'k1',
    controlType: 'attended',
  });
  await assert.rejects(
    failure,
    (error: unknown) =>
      error instanceof AppError &&
      error.code === 'FORBIDDEN' &&
      !error.message.includes('script-token-secret'),
  );
  next = { status: 502, body: 'Bad gateway' };
  await assert.rejects(
    oem().unregister({
      tenantId: 't1001',
      remoteControlId: 'r1',
      deviceKeyId: 'k1',
      decommissionToken: 'x'.repeat(16),
    }),
    { code: 'UNAVAILABLE' },
  );
  await assert.rejects(
    createOemClient({ baseUrl: 'http://127.0.0.1:1', token: 't' }).registerApp({
      tenantId: 't1',
      appKeySha256: 'a'.repeat(64),
    }),
    { code: 'UNAVAILABLE' },
  );
});
