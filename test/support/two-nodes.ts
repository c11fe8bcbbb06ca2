import { MemoryClusterGroup } from '@tether/server';
import {
  startPostgres,
  type PostgresInstance,
} from '../../packages/server/test/support/postgres.js';
import { createTestServer, type TestServer } from './test-server.js';

/** Two in-process nodes of one cluster; see {@link startTwoNodes}. */
export interface TwoNodes {
  a: TestServer;
  b: TestServer;
  postgres: PostgresInstance;
  /** The bus and node list both nodes share (no NATS). */
  group: MemoryClusterGroup;
  /** Stops node A alone (its agents' connections end); `close` then skips it. */
  stopA(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Two Tether nodes in this process, as a cluster without NATS: one private PostgreSQL database,
 * one {@link MemoryClusterGroup} (bus and node list), the same `keys/` (A creates them, B copies
 * them before it starts: server identity, secret box, TLS certificate). Each node has its own
 * listeners, data directory and clock; `a.admin` and `b.admin` are both signed in as the
 * administrator. Agents started with `a.startAgent()` connect to A.
 *
 * @example
 * const nodes = await startTwoNodes();
 * try { const agent = await nodes.a.startAgent(); … on nodes.b … } finally { await nodes.close(); }
 */
export async function startTwoNodes(
  options: { config?: NonNullable<Parameters<typeof createTestServer>[0]>['config'] } = {},
): Promise<TwoNodes> {
  const postgres = await startPostgres();
  const group = new MemoryClusterGroup();
  const started: TestServer[] = [];
  try {
    const config = { ...options.config, database: postgres.url };
    const a = await createTestServer({
      config,
      joinCluster: (deps) =>
        Promise.resolve(group.join('node-a', deps.url, { agents: deps.agents })),
    });
    started.push(a);
    const b = await createTestServer({
      config,
      keysFrom: a.dataDir,
      joinCluster: (deps) =>
        Promise.resolve(group.join('node-b', deps.url, { agents: deps.agents })),
    });
    started.push(b);
    let isAStopped = false;
    const stopA = async (): Promise<void> => {
      if (isAStopped) return;
      isAStopped = true;
      await a.close();
    };
    return {
      a,
      b,
      postgres,
      group,
      stopA,
      async close() {
        await Promise.allSettled([stopA(), b.close()]);
        await postgres.stop();
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((server) => server.close()));
    await postgres.stop();
    throw error;
  }
}
