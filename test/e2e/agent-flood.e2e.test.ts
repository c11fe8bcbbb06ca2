import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type WebSocket from 'ws';
import {
  AGENT_CONNECT_PATH,
  AuditPage,
  PROTOCOL_VERSION,
  agentProofText,
  toBase64Url,
} from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

/** Messages the misbehaving agent sends (the report: 95k statistics in 10 s). */
const FLOOD = 20_000;

/**
 * A misbehaving agent: a real enrolled identity, the real handshake, then statistics as fast as
 * the socket takes them. Resolves with the socket once the server welcomed it.
 */
async function floodingAgent(server: TestServer): Promise<WebSocket> {
  const { token } = await server.createInstaller();
  const dir = await mkdtemp(join(tmpdir(), 'tether-flood-'));
  try {
    const enrolled = await runCli([
      ...['agent', 'enroll', '--server', server.url, '--token', token, '--data-dir', dir],
    ]);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    const config = JSON.parse(await readFile(join(dir, 'agent.json'), 'utf8')) as {
      deviceId: string;
    };
    const privateKey = createPrivateKey(await readFile(join(dir, 'identity.pem'), 'utf8'));
    const socket = new HttpsClient(server.url, server.ca).websocket(AGENT_CONNECT_PATH, {
      origin: null,
    });
    const agentNonce = toBase64Url(randomBytes(32));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('close', (code, reason) => reject(new Error(`closed ${code} ${String(reason)}`)));
      socket.once('open', () =>
        socket.send(
          JSON.stringify({
            type: 'hello',
            protocolVersion: PROTOCOL_VERSION,
            deviceId: config.deviceId,
            agentNonce,
            inventory: {
              hostname: 'flood',
              os: { platform: 'linux', release: '6', name: 'Linux', arch: 'x64' },
              agentVersion: '0.1.0',
            },
          }),
        ),
      );
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { type: string; serverNonce?: string };
        if (message.type === 'challenge') {
          const text = agentProofText({
            deviceId: config.deviceId,
            serverNonce: message.serverNonce ?? '',
            agentNonce,
          });
          socket.send(
            JSON.stringify({
              type: 'auth',
              signature: toBase64Url(sign(null, Buffer.from(text), privateKey)),
            }),
          );
        }
        if (message.type === 'welcome') resolve();
      });
    });
    socket.removeAllListeners('close');
    return socket;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Median and maximum of another user's API calls while `until` is pending (at least 5 calls). */
async function apiLatency(
  client: HttpsClient,
  until?: Promise<unknown>,
): Promise<{ p50: number; max: number; count: number }> {
  let done = until === undefined;
  void until?.then(() => (done = true));
  const times: number[] = [];
  while (times.length < 5 || (!done && times.length < 500)) {
    const started = performance.now();
    const response = await client.request('GET', '/api/v1/devices');
    times.push(performance.now() - started);
    assert.equal(response.status, 200);
  }
  times.sort((a, b) => a - b);
  return {
    p50: Math.round(times[Math.floor(times.length / 2)] ?? 0),
    max: Math.round(times.at(-1) ?? 0),
    count: times.length,
  };
}

/** Sends the flood without waiting for the server; resolves with how the socket closed. */
function flood(socket: WebSocket): Promise<{ code: number; reason: string }> {
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const stats = JSON.stringify({ type: 'stats', stats: { cpuPercent: 50, uptimeSec: 100 } });
  void (async () => {
    for (let sent = 0; sent < FLOOD && socket.readyState === socket.OPEN; sent += 500) {
      for (let i = 0; i < 500; i++) socket.send(stats);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (socket.readyState === socket.OPEN) socket.close(1000, 'flood sent');
  })();
  return closed;
}

test("a flooding agent is cut off with its reason and audited; other users' API stays fast", async () => {
  const server = await createTestServer();
  try {
    const technician = server.admin;
    const baseline = await apiLatency(technician);
    const socket = await floodingAgent(server);
    const closed = flood(socket);
    const during = await apiLatency(technician, closed);
    const { code, reason } = await closed;
    console.log(
      `API latency: before ${JSON.stringify(baseline)}, during ${JSON.stringify(during)}`,
    );
    assert.equal(code, 4429, reason);
    assert.match(reason, /Too many messages/);
    const audit = (
      await technician.request('GET', '/api/v1/audit?action=device.rate_limited')
    ).json(AuditPage);
    assert.equal(audit.entries.length, 1, 'one audit row for the flood');
    assert.ok(Number(audit.entries[0]?.details.dropped) > 0, 'dropped messages are counted');
    assert.ok(
      during.p50 < baseline.p50 * 5 + 100,
      `median ${during.p50} ms during the flood, ${baseline.p50} ms before`,
    );
  } finally {
    await server.close();
  }
});

test('reference in the same run: without a budget the same flood slows the API', async () => {
  const server = await createTestServer({
    config: { agents: { messagesPerSec: 100_000, messageBurst: 1_000_000 } },
  });
  try {
    const baseline = await apiLatency(server.admin);
    const closed = flood(await floodingAgent(server));
    const during = await apiLatency(server.admin, closed);
    await closed;
    console.log(
      `reference (no budget): before ${JSON.stringify(baseline)}, during ${JSON.stringify(during)}`,
    );
  } finally {
    await server.close();
  }
});
