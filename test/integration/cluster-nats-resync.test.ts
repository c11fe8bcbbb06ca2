import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeviceReply } from '@tether/protocol';
import {
  startPostgres,
  type PostgresInstance,
} from '../../packages/server/test/support/postgres.js';
import { waitFor } from '../support/cli.js';
import type { HttpsClient } from '../support/https-client.js';
import { startNats, type NatsInstance } from '../support/nats.js';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

/** Whether `deviceId` is online as the node behind `client` sees it. */
async function isOnline(client: HttpsClient, deviceId: string): Promise<boolean> {
  const answer = await client.request('GET', `/api/v1/devices/${deviceId}`);
  assert.equal(answer.status, 200, answer.text);
  return answer.json(DeviceReply).device.online;
}

function onlineOn(client: HttpsClient, deviceId: string, expected: boolean): Promise<true> {
  return waitFor(
    `device ${deviceId} ${expected ? 'online' : 'offline'}`,
    async () => (await isOnline(client, deviceId)) === expected || undefined,
    60_000,
  );
}

describe('cluster presence after a NATS outage (two nodes, a private nats-server and PostgreSQL)', () => {
  let postgres: PostgresInstance;
  let nats: NatsInstance;
  const servers: TestServer[] = [];

  const node = (nodeId: string, keysFrom?: string): Promise<TestServer> =>
    createTestServer({
      config: {
        database: postgres.url,
        cluster: { nats: nats.url, nodeId, heartbeatSec: 1 },
      },
      ...(keysFrom ? { keysFrom } : {}),
    });

  before(async () => {
    postgres = await startPostgres();
    nats = await startNats();
    const a = await node('node-a');
    servers.push(a);
    servers.push(await node('node-b', a.dataDir));
  });
  after(async () => {
    await Promise.allSettled(servers.map((server) => server.close()));
    await (nats as NatsInstance | undefined)?.stop();
    await (postgres as PostgresInstance | undefined)?.stop();
  });

  it('an agent that came to A while NATS was down is online on B once NATS is back (a session from B reaches it); one that left is offline', async () => {
    const [a, b] = servers;
    assert.ok(a && b);
    const leaving = await a.startAgent();
    await onlineOn(b.admin, leaving.device.id, true);

    await nats.halt();
    const arriving = await a.startAgent();
    await leaving.stop();
    await onlineOn(a.admin, leaving.device.id, false);
    // Nothing crossed meanwhile: B's view is stale.
    assert.equal(await isOnline(b.admin, arriving.device.id), false);

    await nats.resume();
    await onlineOn(b.admin, arriving.device.id, true);
    await onlineOn(b.admin, leaving.device.id, false);

    // And a new session from B reaches it over the bus again.
    const terminal = await openTerminal(b.admin, arriving.device.id);
    terminal.type('echo "back-$((40 + 2))"\r');
    await terminal.waitForOutput(/back-42/, 30_000);
    await terminal.close();
  });
});
