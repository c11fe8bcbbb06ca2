import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { after, before, test } from 'node:test';
import { AGENT_CONNECT_PATH } from '@tether/protocol';
import { HttpsClient } from '../support/https-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let port: number;

before(async () => {
  server = await createTestServer({
    config: {
      // Short deadlines so the test sees them act; a cap small enough to reach.
      connections: {
        headersTimeoutSec: 1,
        bodyTimeoutSec: 1,
        idleTimeoutSec: 1,
        maxConnectionsPerSource: 4,
      },
    },
  });
  port = Number(new URL(server.url).port);
});
after(async () => server.close());

/** A TLS connection to the user listener from `localAddress`, open once the handshake is done. */
function tlsConnection(
  localAddress: string,
  options: { ciphers?: string; maxVersion?: 'TLSv1.2' | 'TLSv1.3' } = {},
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      socket: tcpConnect({ host: '127.0.0.1', port, localAddress }),
      ca: server.ca,
      servername: 'localhost',
      ...options,
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before the TLS handshake completed')));
  });
}

/** Resolves with how long the socket stayed open once it is closed by the other side. */
function closed(socket: TLSSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
  });
}

/** Everything the server sent on a socket, once it closed. */
function received(socket: TLSSocket): Promise<string> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return closed(socket).then(() => text);
}

test('a request whose headers trickle is closed after the header deadline', async () => {
  const socket = await tlsConnection('127.0.0.2');
  const started = Date.now();
  socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\n');
  const drip = setInterval(() => socket.write('X-Slow: a\r\n'), 200);
  await closed(socket);
  clearInterval(drip);
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 10, `closed after ${seconds} s, not left open`);
});

test('a body that trickles is closed, while a large body making progress is served', async () => {
  const slow = await tlsConnection('127.0.0.3');
  const slowText = received(slow);
  slow.write(
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
  );
  const drip = setInterval(() => slow.write(' '), 100);
  const started = Date.now();
  const answer = await slowText;
  clearInterval(drip);
  assert.ok(Date.now() - started < 10_000, 'the trickling body was cut');
  assert.doesNotMatch(answer, /HTTP\/1.1 [24]\d\d/, 'it was never answered');

  // 600 KiB sent over about three body deadlines, in 40 KiB steps: progress keeps it alive.
  const upload = await tlsConnection('127.0.0.3');
  const uploadText = received(upload);
  const body = `{"username":"nobody","password":"wrong-password"${' '.repeat(600 * 1024)}}`;
  upload.write(
    `POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
  );
  const steps = Math.ceil(body.length / (40 * 1024));
  for (let step = 0; step < steps; step++) {
    upload.write(body.slice(step * 40 * 1024, (step + 1) * 40 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const uploaded = await uploadText;
  assert.match(uploaded, /^HTTP\/1.1 401/, 'the whole body arrived and was answered');
});

test('a source over the connection cap is refused while another source still connects', async () => {
  const held = await Promise.all([1, 2, 3, 4].map(() => tlsConnection('127.0.0.4')));
  await assert.rejects(tlsConnection('127.0.0.4'), 'the fifth connection from one source');
  const other = await new HttpsClient(server.url, server.ca, '127.0.0.5').request(
    'GET',
    '/api/v1/health',
  );
  assert.equal(other.status, 200, 'another source is served');
  const local = await Promise.all([1, 2, 3, 4, 5].map(() => tlsConnection('127.0.0.1')));
  assert.equal(local.length, 5, 'the machine itself (a local reverse proxy) is not capped');
  [...held, ...local].forEach((socket) => socket.destroy());
  await Promise.all(held.map(closed));
  const again = await new HttpsClient(server.url, server.ca, '127.0.0.4').request(
    'GET',
    '/api/v1/health',
  );
  assert.equal(again.status, 200, 'the source is served again once its connections closed');
});

/** The console's device event stream, open until the test ends it. */
function eventStream(): Promise<{ isOpen(): boolean; close(): void }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      new URL('/api/v1/devices/events', server.url),
      { ca: server.ca, headers: { cookie: server.admin.cookie ?? '' } },
      (response) => {
        let isOpen = response.statusCode === 200;
        response.on('data', () => undefined);
        response.once('close', () => (isOpen = false));
        resolve({ isOpen: () => isOpen, close: () => request.destroy() });
      },
    );
    request.once('error', reject);
    request.end();
  });
}

test('a WebSocket and an event stream idle for longer than the HTTP deadlines stay open', async () => {
  const events = await eventStream();
  const keepAlive = await tlsConnection('127.0.0.6');
  const keepAliveText = received(keepAlive);
  keepAlive.write('GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n');

  const socket = new HttpsClient(server.url, server.ca).websocket(AGENT_CONNECT_PATH);
  const messages: string[] = [];
  socket.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
  let closedEarly = false;
  socket.on('close', () => (closedEarly = true));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

  // The keep-alive connection answered, then went idle and was closed: the deadline acted.
  assert.match(await keepAliveText, /^HTTP\/1.1 200/);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // past the header deadline as well
  assert.equal(closedEarly, false, 'the idle WebSocket is still open');
  assert.ok(events.isOpen(), "the console's event stream is still open");
  events.close();
  socket.send('{}'); // not a valid hello: the server answers with an error and closes
  await new Promise((resolve) => socket.once('close', resolve));
  assert.ok(
    messages.some((message) => message.includes('"type":"error"')),
    `the server still answered on it: ${messages.join(' ')}`,
  );
});

test('TLS 1.2 offers only AEAD suites: a CBC-only client is refused, a GCM client served', async () => {
  await assert.rejects(
    tlsConnection('127.0.0.7', {
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES128-SHA',
    }),
  );
  const gcm = await tlsConnection('127.0.0.7', {
    maxVersion: 'TLSv1.2',
    ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  });
  assert.equal(gcm.getProtocol(), 'TLSv1.2');
  assert.equal(gcm.getCipher().name, 'ECDHE-ECDSA-AES128-GCM-SHA256');
  gcm.destroy();
  const modern = await tlsConnection('127.0.0.7');
  assert.equal(modern.getProtocol(), 'TLSv1.3', 'TLS 1.3 is still offered');
  modern.destroy();
});

test('the admin listener refuses cross-site changes and sends the security headers', async () => {
  const admin = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  admin.cookie = server.admin.cookie;
  const foreign = await admin.request(
    'PUT',
    '/conf/api/trusted-networks',
    { networks: ['10.0.0.0/8'] },
    { origin: 'https://evil.example' },
  );
  assert.equal(foreign.status, 403);
  const networks = await admin.request('GET', '/conf/api/trusted-networks');
  assert.doesNotMatch(networks.text, /10\.0\.0\.0/, 'nothing changed');

  const page = await admin.request('GET', '/conf');
  assert.equal(page.status, 200);
  // The console's own policy: its script from this origin and nothing else, like the user listener.
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /script-src 'self';/);
  assert.match(csp, /frame-ancestors 'none'/);
  const userCsp = String(
    (await server.client().request('GET', '/')).headers['content-security-policy'],
  );
  const withoutHosts = (policy: string) => policy.replace(/ wss:\/\/\S+/g, '');
  assert.equal(withoutHosts(csp), withoutHosts(userCsp), 'as strict as the user listener');
  assert.equal(page.headers['x-frame-options'], 'DENY');
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.match(String(page.headers['strict-transport-security']), /max-age=\d+/);
});

test("the console's CSP lets pages connect to this server's WebSocket origin only", async () => {
  const page = await server.client().request('GET', '/');
  const csp = String(page.headers['content-security-policy']);
  const connect = /connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
  assert.deepEqual(connect, ["'self'", `wss://${new URL(server.url).host}`]);
  assert.equal(page.headers['x-frame-options'], 'DENY');
});
