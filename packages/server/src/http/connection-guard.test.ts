import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'node:test';
import { createSelfSignedCertificate } from '../keys/self-signed-certificate.js';
import { createLogger } from '../logging.js';
import { guardConnections } from './connection-guard.js';

const REQUESTS = 3000;

/** Every listener on a socket, by event: what a leak per request would make grow. */
function listenersOf(socket: Socket): Record<string, number> {
  return Object.fromEntries(
    socket.eventNames().map((name) => [String(name), socket.listenerCount(name)]),
  );
}

test('thousands of requests on one keep-alive connection leave no listener behind', async () => {
  const { cert, key } = createSelfSignedCertificate({
    commonName: 'Tether test',
    names: ['127.0.0.1'],
    validDays: 1,
  });
  const server = createServer({ cert, key }, (incoming, response) => {
    incoming.resume();
    incoming.on('end', () => response.end('ok'));
  });
  guardConnections(
    server,
    {
      headersTimeoutSec: 10,
      bodyTimeoutSec: 10,
      idleTimeoutSec: 30,
      maxConnectionsPerSource: 4,
      trustedProxies: [],
    },
    createLogger({ level: 'silent' }),
  );
  const sockets: Socket[] = [];
  server.on('secureConnection', (socket: Socket) => sockets.push(socket));
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: cert });
  const { port } = server.address() as AddressInfo;
  /** GETs and POSTs with a body: a body's end and a response's close both release a request. */
  const send = (index: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const isPost = index % 2 === 1;
      const call = request(
        { host: '127.0.0.1', port, agent, method: isPost ? 'POST' : 'GET', path: '/' },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      call.on('error', reject);
      call.end(isPost ? JSON.stringify({ index }) : undefined);
    });
  try {
    for (let index = 0; index < 100; index++) assert.equal(await send(index), 200);
    const [socket] = sockets;
    assert.ok(socket, 'the server saw the connection');
    const warmedUp = listenersOf(socket);
    for (let index = 100; index < REQUESTS; index++) assert.equal(await send(index), 200);
    assert.equal(sockets.length, 1, 'every request used the one keep-alive connection');
    assert.deepEqual(listenersOf(socket), warmedUp, `no listener added by ${REQUESTS} requests`);
    assert.deepEqual(
      warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning'),
      [],
    );
  } finally {
    process.off('warning', onWarning);
    agent.destroy();
    server.close();
  }
});
