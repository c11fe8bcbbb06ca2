import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { AppError, PROTOCOL_VERSION, TETHER_VERSION, type SessionOffer } from '@tether/protocol';
import { enrollAgent, runAgent, type AgentHandle } from '../src/index.js';
import { TestClock } from '@tether/protocol';
import { makeServerKey, startFakeServer, type FakeServer } from './helpers/fake-server.js';
import { silentLog } from './helpers/silent-log.js';
import { makeTestCertificate } from './helpers/tls-certificate.js';
import { waitFor } from './helpers/wait-for.js';

const log = silentLog();
const cert = makeTestCertificate();
let server: FakeServer;
let root: string;
let agent: AgentHandle | undefined;
let clock: TestClock | undefined;
/** Longer than every grace period the agent waits for while stopping. */
const SHUTDOWN_GRACE_MS = 10_000;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-run-'));
});
after(() => rm(root, { recursive: true, force: true }));
afterEach(async () => {
  await stopAgent();
  await server.close();
});

/**
 * Stops the agent. Its grace timers run on the fake clock: the SIGKILL of a spare shell that
 * started too late to see its SIGHUP (a loaded machine), the end of an unanswered close
 * handshake. Time moves for them only if stopping has not finished on its own within a second.
 */
async function stopAgent(): Promise<void> {
  const stopped = agent?.stop();
  agent = undefined;
  const late = setTimeout(() => clock?.advance(SHUTDOWN_GRACE_MS), 1000);
  await stopped;
  clearTimeout(late);
}

/** A fresh server and an agent enrolled with it, running on a fake clock. */
async function startEnrolledAgent(behaviour: FakeServer['behaviour'] = {}) {
  server = await startFakeServer(cert, behaviour);
  const dataDir = await mkdtemp(join(root, 'agent-'));
  const { deviceId } = await enrollAgent({
    serverUrl: server.url,
    token: server.makeToken(),
    dataDir,
    log,
  });
  clock = new TestClock();
  const changes: boolean[] = [];
  agent = await runAgent({ dataDir, log, clock, random: () => 0.5 });
  agent.onConnectionChange((isConnected) => changes.push(isConnected));
  return { deviceId, clock, changes, dataDir };
}

test('the agent authenticates with a hello, answers the challenge and reports it is connected', async () => {
  const { deviceId, changes } = await startEnrolledAgent();
  const connection = await server.nextConnection();
  const hello = await connection.next('hello');
  assert.equal(hello.deviceId, deviceId);
  assert.equal(hello.protocolVersion, PROTOCOL_VERSION);
  assert.equal(hello.inventory.agentVersion, TETHER_VERSION);
  assert.equal(hello.inventory.os.platform, process.platform);
  await connection.next('auth');
  await waitFor(() => changes.length === 1, 'the connection change');
  assert.deepEqual(changes, [true]);
  assert.equal(agent?.deviceId, deviceId);
});

test('statistics: only the enabled kinds, at once and every interval; heartbeats every heartbeatSec', async () => {
  const { clock } = await startEnrolledAgent({
    settings: { statistics: { intervalSec: 20, enabled: ['memory', 'uptime'] } },
    heartbeatSec: 30,
  });
  const connection = await server.nextConnection();
  const first = await connection.next('stats');
  assert.deepEqual(Object.keys(first.stats).sort(), ['memory', 'uptimeSec']);
  clock.advance(20_000);
  const second = await connection.next('stats');
  assert.ok((second.stats.memory?.totalBytes ?? 0) > 0);
  clock.advance(10_000);
  await connection.next('heartbeat');
});

test('a server that counts pings as heartbeats gets the ping alone, every heartbeatSec', async () => {
  const { clock, changes } = await startEnrolledAgent({ heartbeatSec: 30, isPingHeartbeat: true });
  const connection = await server.nextConnection();
  await waitFor(() => changes.length === 1, 'connected');
  const pinged = once(connection.socket, 'ping');
  clock.advance(30_000);
  await pinged;
  assert.ok(
    !connection.received.some((message) => message.type === 'heartbeat'),
    'no heartbeat message',
  );
});

test('new settings replace the statistics schedule', async () => {
  const { clock } = await startEnrolledAgent({
    settings: { statistics: { intervalSec: 60, enabled: ['uptime'] } },
  });
  const connection = await server.nextConnection();
  await connection.next('stats');
  connection.send({
    type: 'settings',
    settings: { statistics: { intervalSec: 5, enabled: ['cpu'] } },
  });
  const immediate = await connection.next('stats');
  assert.equal(immediate.stats.uptimeSec, undefined);
  clock.advance(5000);
  const next = await connection.next('stats');
  assert.deepEqual(
    Object.keys(next.stats).filter((key) => key !== 'cpuPercent'),
    [],
  );
});

test('a desktop offer to an agent without a VNC server is refused saying how to set one', async () => {
  await startEnrolledAgent();
  const connection = await server.nextConnection();
  await connection.next('auth');
  const sessionId = randomUUID();
  connection.send(offer(sessionId, 'desktop'));
  const refused = await connection.next('session.refused');
  assert.equal(refused.sessionId, sessionId);
  assert.equal(refused.error.code, 'UNAVAILABLE');
  assert.match(refused.error.message, /no VNC server configured.*--vnc HOST:PORT/);
});

test('a terminal offer joins the relay, and session.cancel ends it', async () => {
  await startEnrolledAgent();
  const connection = await server.nextConnection();
  await connection.next('auth');
  const relay = new Promise<import('ws').WebSocket>((resolve) => {
    server.onRelay = (socket) => resolve(socket);
  });
  const sessionId = randomUUID();
  connection.send(offer(sessionId, 'terminal'));
  const socket = await relay;
  const closed = once(socket, 'close');
  connection.send({ type: 'session.cancel', sessionId, reason: 'technician cancelled' });
  const [code, reason] = (await closed) as [number, Buffer];
  assert.equal(code, 1000);
  assert.equal(reason.toString(), 'technician cancelled');
});

test('after the server drops the connection the agent reconnects after a jittered delay', async () => {
  const { clock, changes } = await startEnrolledAgent();
  const first = await server.nextConnection();
  await first.next('auth');
  await waitFor(() => changes.length === 1, 'connected');
  first.socket.close(1012, 'server restarting');
  await waitFor(() => changes.length === 2, 'disconnected');
  assert.deepEqual(changes, [true, false]);
  assert.deepEqual(clock.pendingDelays(), [250]); // random 0.5 × base 500 ms
  clock.advance(250);
  const second = await server.nextConnection();
  await second.next('auth');
  await waitFor(() => changes.length === 3, 'reconnected');
});

test('a server presenting another key is refused as an identity mismatch and retried with growing backoff', async () => {
  const impostor = makeServerKey();
  const { clock, changes } = await startEnrolledAgent({
    challenge: (proper) => ({ ...proper, serverPublicKey: impostor.publicKey }),
  });
  const first = await server.nextConnection();
  const { code, reason } = await first.closed;
  assert.equal(code, 4401);
  assert.equal(reason, 'server identity mismatch');
  assert.equal(
    first.received.some((message) => message.type === 'auth'),
    false,
  );
  await waitFor(() => clock.pendingDelays().length === 1, 'the retry timer');
  assert.deepEqual(clock.pendingDelays(), [250]);
  clock.advance(250);
  const second = await server.nextConnection();
  await second.closed;
  await waitFor(() => clock.pendingDelays()[0] === 500, 'the doubled retry delay');
  assert.deepEqual(changes, []);
});

test('a challenge signed for another TLS certificate is refused', async () => {
  const { changes } = await startEnrolledAgent({
    challenge: (proper) => ({ ...proper, signature: Buffer.alloc(64, 1).toString('base64url') }),
  });
  const connection = await server.nextConnection();
  const { code } = await connection.closed;
  assert.equal(code, 4401);
  assert.deepEqual(changes, []);
});

test('a server that stops answering pings is abandoned and reconnected to', async () => {
  const { clock, changes } = await startEnrolledAgent({ heartbeatSec: 10, isAutoPong: false });
  const first = await server.nextConnection();
  await first.next('auth');
  await waitFor(() => changes.length === 1, 'connected');
  const closed = first.closed;
  clock.advance(30_000);
  await closed;
  await waitFor(() => changes.length === 2, 'disconnected');
  clock.advance(250);
  await server.nextConnection();
});

test('stop() closes the channel, cancels every timer and does not reconnect', async () => {
  const { clock } = await startEnrolledAgent({
    settings: { statistics: { intervalSec: 5, enabled: ['uptime'] } },
  });
  const connection = await server.nextConnection();
  await connection.next('stats');
  const closed = connection.closed;
  await stopAgent();
  const { code } = await closed;
  assert.equal(code, 1001);
  assert.equal(clock.pendingTimers, 0);
});

test('an agent that was never enrolled says how to enrol', async () => {
  server = await startFakeServer(cert);
  await assert.rejects(runAgent({ dataDir: join(root, 'nowhere'), log }), (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'NOT_FOUND');
    assert.match(error.message, /not enrolled .* Run "tether agent enroll"/);
    return true;
  });
});

function offer(sessionId: string, kind: SessionOffer['kind']): SessionOffer {
  return {
    type: 'session.offer',
    sessionId,
    kind,
    relayPath: `/relay/v1/${sessionId}`,
    token: randomBytes(32).toString('base64url'),
    technician: 'alice',
  };
}
