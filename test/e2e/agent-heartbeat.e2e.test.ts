import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import WebSocket from 'ws';
import { connectRawAgent } from '../support/raw-agent.js';
import { createTestServer } from '../support/test-server.js';

/** Resolves with the close code and reason whenever the socket closes. */
function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
}

test('an agent that sends only WebSocket pings stays connected; a silent one is closed after three heartbeats', async () => {
  const server = await createTestServer();
  try {
    const pinging = await connectRawAgent(server);
    const silent = await connectRawAgent(server);
    assert.equal(pinging.welcome.isPingHeartbeat, true, 'the welcome says a ping is enough');
    const heartbeatMs = pinging.welcome.heartbeatSec * 1000;
    const pingingClosed = closeOf(pinging.socket);
    const silentClosed = closeOf(silent.socket);

    server.clock.advance(2 * heartbeatMs);
    pinging.socket.ping();
    await once(pinging.socket, 'pong');
    // Four heartbeats since both were welcomed, two since the ping.
    server.clock.advance(2 * heartbeatMs);
    const silentEnd = await silentClosed;
    assert.equal(silentEnd.code, 4408);
    assert.match(silentEnd.reason, /No heartbeat/);
    assert.equal(pinging.socket.readyState, WebSocket.OPEN, 'the same sweep kept the pinging one');

    server.clock.advance(2 * heartbeatMs);
    const pingingEnd = await pingingClosed;
    assert.equal(pingingEnd.code, 4408, 'silent since its ping: closed too');
  } finally {
    await server.close();
  }
});
