import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { startNats, type NatsInstance } from '../support/nats.js';
import { connectNatsBus } from '../../packages/server/src/cluster/nats-bus.js';
import type { ClusterBus } from '../../packages/server/src/cluster/cluster.js';

const log = pino({ level: 'silent' });

/** Resolves with the next message `bus` receives on `subject`. */
function nextMessage(bus: ClusterBus, subject: string): Promise<unknown> {
  return new Promise((resolve) => {
    const stop = bus.subscribe(subject, (message) => {
      stop();
      resolve(message);
    });
  });
}

/** Publishes until the subscriber sees one: after a reconnection, subscriptions come back first. */
async function deliveredAfterReconnect(from: ClusterBus, to: ClusterBus): Promise<unknown> {
  const received = nextMessage(to, 'test.again');
  const state = { isDone: false };
  void received.then(() => (state.isDone = true));
  while (!state.isDone) {
    from.publish('test.again', { again: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return received;
}

describe('the cluster bus over NATS (a private nats-server)', () => {
  let nats: NatsInstance;
  let a: ClusterBus;
  let b: ClusterBus;
  before(async () => {
    nats = await startNats();
    a = await connectNatsBus({ servers: nats.url, nodeId: 'node-a', log });
    b = await connectNatsBus({ servers: nats.url, nodeId: 'node-b', log });
  });
  after(async () => {
    // Whatever started, even if a later step failed: a left-over nats-server holds the run open.
    await Promise.allSettled([a.close(), b.close()]);
    await nats.stop();
  });

  it('carries JSON messages between nodes, and a request to one responder of the queue group', async () => {
    const received = nextMessage(b, 'test.hello');
    // A subscription is in place once the server has seen it: a request round trip flushes it.
    const stop = b.respond('test.ask', (message) =>
      Promise.resolve({ answer: (message as { n: number }).n * 2, by: 'b' }),
    );
    assert.deepEqual(await a.request('test.ask', { n: 21 }, 5_000), { answer: 42, by: 'b' });
    a.publish('test.hello', { text: 'héllo', list: [1, 2] });
    assert.deepEqual(await received, { text: 'héllo', list: [1, 2] });
    stop();
  });

  it('rejects a request nobody answers', async () => {
    await assert.rejects(a.request('test.nobody', {}, 1_000));
  });

  it('reconnects after NATS restarts on the same port, and carries messages again', async () => {
    await nats.halt();
    await nats.resume();
    assert.deepEqual(await deliveredAfterReconnect(a, b), { again: true });
  });

  it('refuses to start when NATS cannot be reached, saying where it looked', async () => {
    await assert.rejects(
      connectNatsBus({ servers: 'nats://127.0.0.1:1', nodeId: 'node-c', log }),
      /Cannot reach NATS at nats:\/\/127\.0\.0\.1:1/,
    );
  });
});
