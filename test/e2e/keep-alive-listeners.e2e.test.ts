import assert from 'node:assert/strict';
import { Agent, request } from 'node:https';
import type { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(async () => server.close());

test('two thousand API requests on one keep-alive connection add no listener anywhere in the server', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: server.ca });
  const sockets = new Set<Socket>();
  const url = new URL(server.url);
  const cookie = server.admin.cookie ?? '';
  /** A public GET, a signed-in GET and a signed-in POST whose body is refused (no change made). */
  const calls = [
    { method: 'GET', path: '/api/v1/health', status: 200 },
    { method: 'GET', path: '/api/v1/devices', status: 200 },
    { method: 'POST', path: '/api/v1/installers', status: 422, body: { validForSec: 1 } },
  ];
  const send = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const call = calls[index % calls.length] ?? calls[0];
      const payload = call?.body ? JSON.stringify(call.body) : undefined;
      const outgoing = request(
        {
          host: url.hostname,
          port: url.port,
          agent,
          method: call?.method,
          path: call?.path,
          headers: {
            origin: url.origin,
            cookie,
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            if (response.statusCode === call?.status) resolve();
            else reject(new Error(`${call?.path} answered ${response.statusCode}`));
          });
        },
      );
      outgoing.on('socket', (socket: Socket) => sockets.add(socket));
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  try {
    for (let index = 0; index < 2000; index++) await send(index);
  } finally {
    process.off('warning', onWarning);
    agent.destroy();
  }
  assert.equal(sockets.size, 1, 'every request used the one keep-alive connection');
  assert.deepEqual(
    warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning'),
    [],
    'Node warns once 11 listeners of one event pile up on any emitter (the socket included)',
  );
});
