import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { openAgentSocket } from './agent-socket.js';

/** How long the stand-in for a busy server's accept queue holds each connection. */
const QUEUED_MS = 1500;

let tls: HttpsServer;
let websockets: WebSocketServer;
/** Accepts TCP at once, then leaves the connection unread for QUEUED_MS before serving it. */
let queue: Server;
/** Accepts TCP and never answers. */
let silent: Server;
const held = new Set<Socket>();

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

let ports: { queue: number; silent: number };

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-agent-socket-'));
  execFileSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
    ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
    ...['-days', '1', '-subj', '/CN=127.0.0.1'],
  ]);
  tls = createHttpsServer({
    key: readFileSync(join(dir, 'key.pem')),
    cert: readFileSync(join(dir, 'cert.pem')),
  });
  rmSync(dir, { recursive: true, force: true });
  websockets = new WebSocketServer({ server: tls });
  const tlsPort = await listen(tls);
  queue = createTcpServer((socket) => {
    held.add(socket);
    socket.pause();
    setTimeout(() => {
      const upstream = connect(tlsPort, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.resume();
      upstream.on('error', () => socket.destroy());
    }, QUEUED_MS);
    socket.on('error', () => undefined);
  });
  silent = createTcpServer((socket) => {
    held.add(socket);
    socket.on('error', () => undefined);
  });
  ports = { queue: await listen(queue), silent: await listen(silent) };
});

after(async () => {
  for (const socket of held) socket.destroy();
  for (const client of websockets.clients) client.terminate();
  await Promise.all(
    [queue, silent, tls].map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** Opens an agent socket and resolves with how it ended: opened, or failed with a message. */
function attempt(
  port: number,
  timeouts: { handshakeTimeoutMs: number; connectTimeoutMs: number },
): Promise<{ isOpen: boolean; ms: number; message?: string }> {
  const startedAt = performance.now();
  const socket = openAgentSocket(new URL(`wss://127.0.0.1:${port}/`), {
    maxPayload: 1024,
    ...timeouts,
    onFingerprint: () => true,
  });
  return new Promise((resolve) => {
    socket.once('open', () => {
      resolve({ isOpen: true, ms: performance.now() - startedAt });
      socket.terminate();
    });
    socket.once('error', (error) =>
      resolve({ isOpen: false, ms: performance.now() - startedAt, message: error.message }),
    );
  });
}

test('a connection the server has not reached yet is waited for past the connect timeout', async () => {
  // TCP is up at once, as for an agent in the accept queue of a server busy with a storm:
  // giving up there only queues the agent again behind everyone, and leaves the server a dead
  // connection to pay a TLS handshake for.
  const result = await attempt(ports.queue, { handshakeTimeoutMs: 20_000, connectTimeoutMs: 300 });
  assert.equal(result.isOpen, true, result.message);
  assert.ok(result.ms >= QUEUED_MS - 50, `opened after ${Math.round(result.ms)} ms`);
});

test('a server that never answers is still given up on after the handshake timeout', async () => {
  const result = await attempt(ports.silent, { handshakeTimeoutMs: 800, connectTimeoutMs: 300 });
  assert.equal(result.isOpen, false);
  assert.match(result.message ?? '', /timed out/);
  assert.ok(result.ms >= 700, `gave up after ${Math.round(result.ms)} ms`);
});
