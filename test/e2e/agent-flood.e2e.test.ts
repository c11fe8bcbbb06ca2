import assert from 'node:assert/strict';
import { test } from 'node:test';
import type WebSocket from 'ws';
import { AuditPage } from '@tether/protocol';
import type { HttpsClient } from '../support/https-client.js';
import { connectRawAgent } from '../support/raw-agent.js';
import { createTestServer } from '../support/test-server.js';

/** Messages the misbehaving agent sends (the report: 95k statistics in 10 s). */
const FLOOD = 20_000;

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
    const { socket } = await connectRawAgent(server);
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
    const closed = flood((await connectRawAgent(server)).socket);
    const during = await apiLatency(server.admin, closed);
    await closed;
    console.log(
      `reference (no budget): before ${JSON.stringify(baseline)}, during ${JSON.stringify(during)}`,
    );
  } finally {
    await server.close();
  }
});
