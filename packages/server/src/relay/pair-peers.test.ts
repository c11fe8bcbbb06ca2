import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { wsRelayPeer } from '../ws/ws-relay-peer.js';
import { pairPeers, type PairPeersOptions, type RelayEnd, type RelayPair } from './pair-peers.js';
import type { RelayPeer } from './relay-peer.js';

type RelayOptions = Omit<PairPeersOptions, 'sessionId' | 'console' | 'agent' | 'onEnd'>;

/** Counts the relay's pause()/resume() calls on a peer, so tests wait on events, not time. */
function watchFlow(peer: RelayPeer): {
  peer: RelayPeer;
  pauses: number;
  resumes: number;
  paused: Promise<void>;
} {
  let signalPaused = (): void => undefined;
  const watch = {
    pauses: 0,
    resumes: 0,
    paused: new Promise<void>((resolve) => (signalPaused = resolve)),
    peer: {
      ...peer,
      pause() {
        watch.pauses += 1;
        signalPaused();
        peer.pause();
      },
      resume() {
        watch.resumes += 1;
        peer.resume();
      },
    },
  };
  return watch;
}

/** A loopback relay: the first `/console` and `/agent` sockets are paired. */
async function startRelay(options: RelayOptions = {}) {
  const http = createServer();
  const server = new WebSocketServer({
    server: http,
    perMessageDeflate: false,
    maxPayload: 16 * 1024 * 1024,
  });
  const waiting: { console?: WebSocket; agent?: WebSocket } = {};
  const ends: RelayEnd[] = [];
  let agentFlow: ReturnType<typeof watchFlow> | undefined;
  let resolvePair: (pair: RelayPair) => void = () => undefined;
  const paired = new Promise<RelayPair>((resolve) => (resolvePair = resolve));
  server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.on('error', () => socket.terminate());
    if (request.url === '/console') waiting.console = socket;
    else waiting.agent = socket;
    if (!waiting.console || !waiting.agent) return;
    agentFlow = watchFlow(wsRelayPeer(waiting.agent));
    resolvePair(
      pairPeers({
        ...options,
        sessionId: 'test',
        console: wsRelayPeer(waiting.console),
        agent: agentFlow.peer,
        onEnd: (end) => ends.push(end),
      }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const open = async (role: 'console' | 'agent'): Promise<WebSocket> => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/${role}`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    return client;
  };
  const consoleClient = await open('console');
  const agentClient = await open('agent');
  const pair = await paired;
  return {
    pair,
    ends,
    consoleClient,
    agentClient,
    agentFlow: () => agentFlow,
    async close() {
      for (const client of server.clients) client.terminate();
      consoleClient.terminate();
      agentClient.terminate();
      await new Promise((resolve) => server.close(resolve));
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** Collects binary messages until `total` bytes arrived; resolves with their SHA-256. */
function receive(socket: WebSocket, total: number): Promise<string> {
  const hash = createHash('sha256');
  let received = 0;
  return new Promise((resolve) => {
    socket.on('message', (data: Buffer) => {
      hash.update(data);
      received += data.byteLength;
      if (received >= total) resolve(hash.digest('hex'));
    });
  });
}

function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

function messages(
  count: number,
  size: number,
): { chunks: Buffer[]; total: number; sha256: string } {
  const chunks = Array.from({ length: count }, (_, index) =>
    randomBytes(1 + ((index * 7919) % size)),
  );
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return {
    chunks,
    total: chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0),
    sha256: hash.digest('hex'),
  };
}

describe('pairPeers over WebSockets', () => {
  it('carries bytes intact and in order in both directions at once', async () => {
    const relay = await startRelay();
    try {
      const down = messages(300, 64 * 1024);
      const up = messages(300, 4 * 1024);
      const atConsole = receive(relay.consoleClient, down.total);
      const atAgent = receive(relay.agentClient, up.total);
      for (const chunk of down.chunks) relay.agentClient.send(chunk);
      for (const chunk of up.chunks) relay.consoleClient.send(chunk);
      assert.equal(await atConsole, down.sha256);
      assert.equal(await atAgent, up.sha256);
      const stats = relay.pair.stats();
      assert.equal(stats.bytesFromAgent, down.total);
      assert.equal(stats.bytesFromConsole, up.total);
    } finally {
      await relay.close();
    }
  });

  it('pauses a fast agent while the console reads slowly, keeping the relay backlog bounded', async () => {
    const highWaterMark = 256 * 1024;
    const relay = await startRelay({ highWaterMark, lowWaterMark: 64 * 1024 });
    try {
      relay.consoleClient.pause();
      const down = messages(1024, 128 * 1024); // ≈ 64 MiB, far more than the kernel buffers hold
      for (const chunk of down.chunks) relay.agentClient.send(chunk);
      await relay.agentFlow()?.paused;
      assert.ok(
        relay.pair.stats().bytesFromAgent < down.total,
        'the relay stopped reading the agent',
      );

      const atConsole = receive(relay.consoleClient, down.total);
      relay.consoleClient.resume();
      assert.equal(await atConsole, down.sha256);

      const stats = relay.pair.stats();
      assert.ok(
        stats.peakPendingToConsole <= 2 * highWaterMark,
        `peak backlog ${stats.peakPendingToConsole} B`,
      );
      assert.equal(stats.bytesFromAgent, down.total);
      assert.ok((relay.agentFlow()?.resumes ?? 0) >= 1, 'the agent was resumed');
    } finally {
      await relay.close();
    }
  });

  it('closes the agent with the console’s code and reason, and reports the end once', async () => {
    const relay = await startRelay();
    try {
      const atAgent = closed(relay.agentClient);
      const atConsole = closed(relay.consoleClient);
      relay.consoleClient.close(4000, 'Technician logged out.');
      assert.deepEqual(await atAgent, { code: 4000, reason: 'Technician logged out.' });
      await atConsole;
      assert.deepEqual(relay.ends, [
        { by: 'console', code: 4000, reason: 'Technician logged out.' },
      ]);
    } finally {
      await relay.close();
    }
  });

  it('turns a dropped agent connection into "going away" for the console', async () => {
    const relay = await startRelay();
    try {
      const atConsole = closed(relay.consoleClient);
      relay.agentClient.terminate();
      const reason =
        'The device’s connection dropped: the agent stopped, restarted or lost its network.';
      assert.deepEqual(await atConsole, { code: 1001, reason });
      assert.deepEqual(relay.ends, [{ by: 'agent', code: 1001, reason }]);
    } finally {
      await relay.close();
    }
  });

  it('closes both sides when the server ends the session', async () => {
    const relay = await startRelay();
    try {
      const both = Promise.all([closed(relay.consoleClient), closed(relay.agentClient)]);
      relay.pair.close(4003, 'Ended by an administrator.');
      const expected = { code: 4003, reason: 'Ended by an administrator.' };
      assert.deepEqual(await both, [expected, expected]);
      assert.deepEqual(relay.ends, [{ by: 'server', ...expected }]);
      assert.equal(relay.pair.isEnded, true);
    } finally {
      await relay.close();
    }
  });
});

/** An in-memory peer whose writes complete only when the test says so. */
function fakePeer() {
  const peer = {
    sent: [] as { data: Uint8Array; onWritten: () => void }[],
    closedWith: undefined as { code: number; reason: string } | undefined,
    isPaused: false,
    emit: (_data: Uint8Array): void => undefined,
    hangUp: (_code: number, _reason: string): void => undefined,
    send(data: Uint8Array, onWritten: () => void) {
      peer.sent.push({ data, onWritten });
    },
    pause: () => void (peer.isPaused = true),
    resume: () => void (peer.isPaused = false),
    close: (code: number, reason: string) => void (peer.closedWith = { code, reason }),
    onMessage: (listener: (data: Uint8Array) => void) => void (peer.emit = listener),
    onClose: (listener: (code: number, reason: string) => void) => void (peer.hangUp = listener),
  };
  return peer;
}

describe('pairPeers flow control and tap', () => {
  it('pauses the source above the high-water mark and resumes it at the low-water mark', () => {
    const agent = fakePeer();
    const consolePeer = fakePeer();
    const pair = pairPeers({
      sessionId: 's',
      console: consolePeer,
      agent,
      highWaterMark: 100,
      lowWaterMark: 40,
      onEnd: () => undefined,
    });
    for (let index = 0; index < 4; index += 1) agent.emit(new Uint8Array(30));
    assert.equal(agent.isPaused, true);
    assert.equal(pair.stats().pendingToConsole, 120);
    consolePeer.sent.shift()?.onWritten();
    consolePeer.sent.shift()?.onWritten();
    assert.equal(agent.isPaused, true, 'still above the low-water mark at 60 B');
    consolePeer.sent.shift()?.onWritten();
    assert.equal(agent.isPaused, false);
    assert.equal(pair.stats().pendingToConsole, 30);
  });

  it('ends the session with 1011 when the recording tap throws, forwarding nothing more', () => {
    const agent = fakePeer();
    const consolePeer = fakePeer();
    const ends: RelayEnd[] = [];
    const tap = {
      fromAgent: () => {
        throw new Error('disk full');
      },
      fromConsole: () => undefined,
    };
    pairPeers({ sessionId: 's', console: consolePeer, agent, tap, onEnd: (end) => ends.push(end) });
    agent.emit(new Uint8Array([1, 2, 3]));
    assert.equal(consolePeer.sent.length, 0);
    assert.deepEqual(
      ends.map((end) => [end.by, end.code]),
      [['server', 1011]],
    );
    assert.deepEqual(agent.closedWith, consolePeer.closedWith);
    agent.hangUp(1000, '');
    assert.equal(ends.length, 1, 'onEnd is called once');
  });

  it('holds the agent while the recording tap is congested, whatever the console backlog', () => {
    const agent = fakePeer();
    const consolePeer = fakePeer();
    let congested = false;
    let relieve = (): void => undefined;
    const tap = {
      fromAgent: () => undefined,
      fromConsole: () => undefined,
      backpressure: {
        get isCongested() {
          return congested;
        },
        onRelieved: (listener: () => void) => void (relieve = listener),
      },
    };
    pairPeers({ sessionId: 's', console: consolePeer, agent, tap, onEnd: () => undefined });
    agent.emit(new Uint8Array(10));
    assert.equal(agent.isPaused, false);
    congested = true;
    agent.emit(new Uint8Array(10));
    assert.equal(agent.isPaused, true, 'held while the recording catches up');
    for (const sent of consolePeer.sent.splice(0)) sent.onWritten();
    assert.equal(agent.isPaused, true, 'an empty console backlog does not release the hold');
    congested = false;
    relieve();
    assert.equal(agent.isPaused, false);
    assert.equal(consolePeer.sent.length, 0, 'nothing was dropped or duplicated');
  });
});
