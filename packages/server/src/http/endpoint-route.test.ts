import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { endpoint } from '@tether/protocol';
import type { AuthService } from '../auth/auth-service.js';
import { createSelfSignedCertificate } from '../keys/self-signed-certificate.js';
import { createLogger } from '../logging.js';
import { registerEndpoint } from './endpoint-route.js';
import { createHttpsApp, type HttpsOptions } from './https-app.js';

const download = endpoint({
  id: 'test.download',
  method: 'GET',
  path: '/download',
  summary: 'A download',
  access: { kind: 'public' },
  success: { status: 200, body: undefined, contentType: 'text/plain' },
  errors: [],
});

interface LogLine {
  level: number;
  msg?: string;
}
const logged: LogLine[] = [];
const destination = new PassThrough();
destination.on('data', (line: Buffer) => logged.push(JSON.parse(line.toString()) as LogLine));
const https: HttpsOptions = {
  ...createSelfSignedCertificate({ commonName: 'test', names: ['127.0.0.1'], validDays: 1 }),
  minVersion: 'TLSv1.2',
  connections: {
    headersTimeoutSec: 60,
    bodyTimeoutSec: 60,
    idleTimeoutSec: 60,
    maxConnectionsPerSource: 100,
  },
  trustedProxies: [],
};
const app = createHttpsApp({
  https,
  log: createLogger({ level: 'info', destination }),
});
after(() => app.close());

test('a download whose client left before it was written is answered once, without an error', async () => {
  let answers = 0;
  // A slow onSend hook (like the security headers' one): the client leaves while it runs.
  app.addHook('onSend', async (incoming) => {
    answers += 1;
    if (answers === 1 && !incoming.raw.socket.destroyed) await once(incoming.raw.socket, 'close');
  });
  let clientLeaves = (): void => undefined;
  const handlerStarted = new Promise<void>((resolve) => (clientLeaves = resolve));
  // Public endpoints never authenticate, so no auth service is needed.
  registerEndpoint(app, undefined as unknown as AuthService, download, async ({ reply }) => {
    clientLeaves();
    await reply.type('text/plain').send('the recording');
  });
  // Fastify's own signal that an async route handler and what it returned are dealt with.
  const handlerEnd = 'tracing:fastify.request.handler:asyncEnd';
  let onHandlerEnd = (): void => undefined;
  const handlerDone = new Promise<void>((resolve) => (onHandlerEnd = resolve));
  const subscriber = (): void => onHandlerEnd();
  subscribe(handlerEnd, subscriber);
  await app.listen({ host: '127.0.0.1', port: 0 });

  const { port } = app.server.address() as AddressInfo;
  const client = request({ host: '127.0.0.1', port, path: '/download', rejectUnauthorized: false });
  client.on('error', () => undefined); // the socket hang-up this test causes
  client.end();
  await handlerStarted;
  client.destroy();
  await handlerDone;
  unsubscribe(handlerEnd, subscriber);

  assert.equal(answers, 1, 'one answer: the adapter adds no second, empty one');
  // Fastify reports a second answer as "Cannot write headers after they are sent" (error).
  assert.deepEqual(
    logged.filter((line) => line.level >= 40),
    [],
  );
});

test('an admin contract cannot be registered on the user listener, nor a user one on the admin listener', () => {
  const adminOnly = endpoint({
    ...download,
    id: 'test.admin',
    path: '/conf/api/x',
    listener: 'admin',
  });
  const adminApp = createHttpsApp({
    https,
    log: createLogger({ level: 'silent' }),
    listener: 'admin',
  });
  const handler = () => Promise.resolve('x');
  const auth = undefined as unknown as AuthService;
  assert.throws(
    () => registerEndpoint(app, auth, adminOnly, handler),
    /test\.admin: its contract is not served on the user listener/,
  );
  assert.throws(
    () => registerEndpoint(adminApp, auth, { ...download, id: 'test.user' }, handler),
    /test\.user: its contract is not served on the admin listener/,
  );
  registerEndpoint(adminApp, auth, adminOnly, handler);
});
