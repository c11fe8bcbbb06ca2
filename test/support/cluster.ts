import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startPostgres,
  type PostgresInstance,
} from '../../packages/server/test/support/postgres.js';
import { CreateInstallerResponse } from '@tether/protocol';
import { runCli, stopProcess, type startCli } from './cli.js';
import { ensureDeviceGroup } from './device-groups.js';
import { startTcpBalancer, type TcpBalancer } from './haproxy.js';
import { HttpsClient } from './https-client.js';
import { startNats, type NatsInstance } from './nats.js';
import { freePort, startServerProcess } from './server-process.js';

/** Seconds between heartbeats in tests: a killed node is dead within 3 s. */
export const TEST_HEARTBEAT_SEC = 1;

/** One Tether node process of a {@link TestCluster}. */
export interface ClusterNodeProcess {
  nodeId: string;
  port: number;
  dataDir: string;
  process: ReturnType<typeof startCli>;
  /** Signed in as the administrator on this node's own listener. */
  client: HttpsClient;
  /** This node's admin listener (`https://localhost:<port>`), with the same session cookie. */
  conf: HttpsClient;
  isRunning: boolean;
}

/** PostgreSQL, NATS, N Tether node processes sharing keys, and HAProxy (TCP) in front. */
export interface TestCluster {
  postgres: PostgresInstance;
  nats: NatsInstance;
  balancer: TcpBalancer;
  nodes: ClusterNodeProcess[];
  password: string;
  /** `kill -9` a node (an outage: no clean leave). */
  kill(node: ClusterNodeProcess): Promise<void>;
  /** Stops a node cleanly (SIGTERM: it leaves the cluster), as a rolling restart does. */
  terminate(node: ClusterNodeProcess): Promise<void>;
  /** Starts a stopped node again with its id, port and data directory. */
  restart(node: ClusterNodeProcess): Promise<void>;
  /** Stops everything and deletes the temp folders. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a private cluster on this machine: a PostgreSQL server, a `nats-server`, `count`
 * `tether server` processes (node-1…node-N, each its own data directory and port, all with
 * the first node's `keys/` folder copied in, as the README says to do) and HAProxy in TCP
 * mode, round-robin, in front. The first node starts alone (it creates the schema, the
 * administrator and the keys); the others then start together.
 *
 * @example
 * const cluster = await startCluster({ count: 3 });
 * try { … cluster.balancer.url … } finally { await cluster.stop(); }
 */
export async function startCluster(options: {
  count: number;
  password?: string;
  /** More settings for every node's config file (e.g. `storage`), beside `cluster`. */
  config?: Record<string, unknown>;
  /** Seconds between node heartbeats; default {@link TEST_HEARTBEAT_SEC}. */
  heartbeatSec?: number;
  /** Connections the balancer must carry at once (default HAProxy's 4,096 of the tests). */
  connections?: number;
}): Promise<TestCluster> {
  const root = await mkdtemp(join(tmpdir(), 'tether-cluster-'));
  const password = options.password ?? 'cluster-admin-password-1';
  const postgres = await startPostgres();
  const nats = await startNats().catch(async (error: unknown) => {
    await postgres.stop();
    throw error;
  });
  const nodes: ClusterNodeProcess[] = [];
  let balancer: TcpBalancer | undefined;
  const start = async (node: Omit<ClusterNodeProcess, 'process' | 'client' | 'conf'>) => {
    const configFile = join(node.dataDir, 'cluster.json');
    await writeFile(
      configFile,
      JSON.stringify({
        ...options.config,
        cluster: {
          nats: nats.url,
          nodeId: node.nodeId,
          nodeUrl: `https://localhost:${node.port}`,
          heartbeatSec: options.heartbeatSec ?? TEST_HEARTBEAT_SEC,
        },
      }),
    );
    const started = await startServerProcess({
      ...{ dataDir: node.dataDir, port: node.port, password, configFile },
      database: postgres.url,
    });
    const adminUrl = /Admin interface: (https:\/\/\S+)\/conf/.exec(started.process.output())?.[1];
    if (!adminUrl)
      throw new Error(`${node.nodeId} printed no admin URL:\n${started.process.output()}`);
    const ca = await readFile(join(node.dataDir, 'keys', 'tls-self-signed.crt'), 'utf8');
    const conf = new HttpsClient(adminUrl, ca);
    conf.cookie = started.client.cookie;
    return { ...node, process: started.process, client: started.client, conf, isRunning: true };
  };
  const stop = async (): Promise<void> => {
    await balancer?.stop();
    await Promise.all(nodes.map((node) => stopProcess(node.process, 'SIGKILL')));
    await nats.stop();
    await postgres.stop();
    await rm(root, { recursive: true, force: true });
  };
  try {
    const plans = await Promise.all(
      Array.from({ length: options.count }, async (_, index) => ({
        nodeId: `node-${index + 1}`,
        port: await freePort(),
        dataDir: join(root, `node-${index + 1}`),
        isRunning: false,
      })),
    );
    const [first, ...others] = plans;
    if (!first) throw new Error('A cluster needs at least one node.');
    await mkdir(first.dataDir, { recursive: true });
    nodes.push(await start(first));
    for (const plan of others) {
      await mkdir(plan.dataDir, { recursive: true });
      await cp(join(first.dataDir, 'keys'), join(plan.dataDir, 'keys'), { recursive: true });
    }
    nodes.push(...(await Promise.all(others.map(start))));
    balancer = await startTcpBalancer({
      backends: nodes.map((node) => node.port),
      ...(options.connections === undefined ? {} : { connections: options.connections }),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    postgres,
    nats,
    balancer,
    nodes,
    password,
    async kill(node) {
      await stopProcess(node.process, 'SIGKILL');
      node.isRunning = false;
    },
    async terminate(node) {
      await stopProcess(node.process, 'SIGTERM');
      node.isRunning = false;
    },
    async restart(node) {
      Object.assign(node, await start(node));
    },
    stop,
  };
}

/**
 * Enrolls one agent per data folder through the cluster's balancer (`tether agent enroll`),
 * into device group `group` (created if missing) with an installer made on the first node.
 * Starting them is the caller's: each test runs its agents with its own options.
 *
 * @example
 * await enrollThroughBalancer(cluster, { group: 'Cluster', dataDirs: [dirA, dirB] });
 */
export async function enrollThroughBalancer(
  cluster: TestCluster,
  options: { group: string; dataDirs: string[] },
): Promise<void> {
  const [first] = cluster.nodes;
  if (!first) throw new Error('The cluster has no node.');
  await ensureDeviceGroup(first.client, options.group);
  const created = await first.client.request('POST', '/api/v1/installers', {
    group: options.group,
    validForSec: 3600,
  });
  const { token } = created.json(CreateInstallerResponse);
  for (const dataDir of options.dataDirs) {
    const enrolled = await runCli([
      ...['agent', 'enroll', '--server', cluster.balancer.url, '--token', token],
      ...['--data-dir', dataDir],
    ]);
    if (enrolled.code !== 0) throw new Error(`Enrolling ${dataDir} failed: ${enrolled.stderr}`);
  }
}
