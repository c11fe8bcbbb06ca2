/**
 * The baseline of the relay throughput test, run as its own process like the Tether server:
 * an HTTPS server with `ws` (and bufferutil) that pairs the first two sockets opened on the same
 * path and forwards every message between them — no authentication, no flow control, no tap.
 *
 * Usage: node --import tsx bench/scenarios/bare-pipe-server.ts <cert.pem> <key.pem>
 * Prints `listening <port>` once ready; exits on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { WebSocketServer, type WebSocket } from 'ws';

const [certFile, keyFile] = process.argv.slice(2);
if (!certFile || !keyFile) throw new Error('usage: bare-pipe-server.ts <cert.pem> <key.pem>');
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
const sockets = new WebSocketServer({
  server,
  perMessageDeflate: false,
  maxPayload: 16 * 1024 * 1024,
});
const waiting = new Map<string, WebSocket>();

const pipe = (from: WebSocket, to: WebSocket): void => {
  from.on('message', (data, isBinary) => to.send(data, { binary: isBinary }));
  from.on('close', () => to.close());
};

sockets.on('connection', (socket, request) => {
  const path = request.url ?? '/';
  const partner = waiting.get(path);
  if (!partner) {
    waiting.set(path, socket);
    socket.on('close', () => waiting.delete(path));
    return;
  }
  waiting.delete(path);
  pipe(socket, partner);
  pipe(partner, socket);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.once('SIGTERM', () => {
  for (const socket of sockets.clients) socket.terminate();
  sockets.close();
  server.close();
});
