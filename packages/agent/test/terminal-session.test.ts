import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  decodeTerminalFrame,
  encodeTerminalFrame,
  type SessionOffer,
  type TerminalFrame,
} from '@tether/protocol';
import type { WebSocket } from 'ws';
import { systemClock } from '../src/clock.js';
import { startTerminalSession } from '../src/sessions/terminal/terminal-session.js';
import { startFakeServer, type FakeServer } from './helpers/fake-server.js';
import { silentLog } from './helpers/silent-log.js';
import { waitFor } from './helpers/wait-for.js';
import { makeTestCertificate, type TestCertificate } from './helpers/tls-certificate.js';

let cert: TestCertificate;
let server: FakeServer;
const log = silentLog();

before(async () => {
  cert = makeTestCertificate();
  server = await startFakeServer(cert);
});
after(() => server.close());

function makeOffer(): SessionOffer {
  const sessionId = randomUUID();
  return {
    type: 'session.offer',
    sessionId,
    kind: 'terminal',
    relayPath: `/relay/v1/${sessionId}`,
    token: randomBytes(32).toString('base64url'),
    technician: 'alice',
    cols: 100,
    rows: 30,
  };
}

/** The console's end of the relay: collects frames, sends frames. */
function nextRelaySocket(): Promise<{ socket: WebSocket; url: URL }> {
  return new Promise((resolve) => {
    server.onRelay = (socket, request) =>
      resolve({ socket, url: new URL(request.url ?? '/', server.url) });
  });
}

function collectFrames(socket: WebSocket): TerminalFrame[] {
  const frames: TerminalFrame[] = [];
  socket.on('message', (data) => {
    const frame = decodeTerminalFrame(new Uint8Array(data as Buffer));
    if (frame) frames.push(frame);
  });
  return frames;
}

function outputText(frames: TerminalFrame[]): string {
  return frames
    .map((frame) => (frame.type === 'data' ? Buffer.from(frame.data).toString('utf8') : ''))
    .join('');
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: no such process
  }
}

test('a terminal session runs the shell on the relay and hangs it up when the relay closes', async () => {
  const offer = makeOffer();
  const relay = nextRelaySocket();
  const session = await startTerminalSession(offer, {
    serverUrl: server.url,
    expectedFingerprint: cert.fingerprint,
    log,
    clock: systemClock,
  });
  const { socket, url } = await relay;
  assert.equal(url.pathname, offer.relayPath);
  assert.equal(url.searchParams.get('token'), offer.token);
  const frames = collectFrames(socket);

  socket.send(encodeTerminalFrame({ type: 'resize', cols: 120, rows: 40 }));
  socket.send(
    encodeTerminalFrame({
      type: 'data',
      data: Buffer.from('echo hello-$((6*7)); echo pid=$$ size=$(stty size)\r'),
    }),
  );
  await waitFor(() => /size=40 120/.test(outputText(frames)), 'the shell output');
  assert.match(outputText(frames), /hello-42/);
  const pid = Number(/pid=(\d+)/.exec(outputText(frames))?.[1]);
  assert.ok(pid > 0 && isProcessAlive(pid));

  socket.close(1000, 'technician left');
  await session.ended;
  assert.equal(isProcessAlive(pid), false);
});

test('the shell exiting sends an exit frame and closes the relay normally', async () => {
  const relay = nextRelaySocket();
  const session = await startTerminalSession(makeOffer(), {
    serverUrl: server.url,
    expectedFingerprint: cert.fingerprint,
    log,
    clock: systemClock,
  });
  const { socket } = await relay;
  const frames = collectFrames(socket);
  const closed = once(socket, 'close');
  socket.send(encodeTerminalFrame({ type: 'data', data: Buffer.from('exit 3\r') }));
  const [code] = (await closed) as [number];
  assert.equal(code, 1000);
  const exit = frames.find((frame) => frame.type === 'exit');
  assert.deepEqual(exit, { type: 'exit', exitCode: 3, reason: 'The shell exited with code 3.' });
  await session.ended;
});

test('a malformed frame closes the relay with 4422 and ends the shell', async () => {
  const relay = nextRelaySocket();
  const session = await startTerminalSession(makeOffer(), {
    serverUrl: server.url,
    expectedFingerprint: cert.fingerprint,
    log,
    clock: systemClock,
  });
  const { socket } = await relay;
  const closed = once(socket, 'close');
  socket.send(Buffer.from([0x7f, 1, 2]));
  const [code, reason] = (await closed) as [number, Buffer];
  assert.equal(code, 4422);
  assert.equal(reason.toString(), 'malformed terminal frame');
  await session.ended;
});

test('stop() ends a running session and its shell', async () => {
  const relay = nextRelaySocket();
  const session = await startTerminalSession(makeOffer(), {
    serverUrl: server.url,
    expectedFingerprint: cert.fingerprint,
    log,
    clock: systemClock,
  });
  const { socket } = await relay;
  const closed = once(socket, 'close');
  await session.stop('cancelled by the server');
  const [code, reason] = (await closed) as [number, Buffer];
  assert.equal(code, 1000);
  assert.equal(reason.toString(), 'cancelled by the server');
});

test('a relay whose certificate differs from the control channel one is refused', async () => {
  let isRelayReached = false;
  server.onRelay = () => {
    isRelayReached = true;
  };
  await assert.rejects(
    startTerminalSession(makeOffer(), {
      serverUrl: server.url,
      expectedFingerprint: 'A'.repeat(43),
      log,
      clock: systemClock,
    }),
    /Server identity mismatch on the session relay/,
  );
  assert.equal(isRelayReached, false);
});

test('flow control: the shell is paused while the relay does not read, and resumes after', async (t) => {
  const marker = join(tmpdir(), `tether-flow-${randomUUID()}`);
  t.after(() => rm(marker, { force: true }));
  const relay = nextRelaySocket();
  const session = await startTerminalSession(makeOffer(), {
    serverUrl: server.url,
    expectedFingerprint: cert.fingerprint,
    log,
    clock: systemClock,
  });
  t.after(() => session.stop('test over'));
  const { socket } = await relay;
  let received = 0;
  socket.on('message', (data: Buffer) => {
    received += data.length;
  });
  socket.send(
    encodeTerminalFrame({
      type: 'data',
      data: Buffer.from(`stty -echo; head -c 40000000 /dev/zero | tr '\\0' y; touch ${marker}\r`),
    }),
  );
  await waitFor(() => received > 0, 'the first output');
  socket.pause(); // the console stops reading: the agent's socket buffer fills up
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(existsSync(marker), false, 'the shell should be blocked writing to its paused pty');
  socket.resume();
  await waitFor(() => existsSync(marker), 'the command to finish', 30_000);
  await waitFor(() => received >= 40_000_000, 'every byte of output', 30_000);
});
