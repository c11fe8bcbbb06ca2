import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdmissionView, DeviceList } from '@tether/protocol';
import { startCluster, type ClusterNodeProcess } from '../../test/support/cluster.js';
import type { Cleanup } from '../lib/cleanup.js';
import { cpuUsedSince, readCommandCpu, readCpuMs, readMachineBusyMs } from '../lib/proc-stats.js';
import { summarize, type Summary } from '../lib/summary.js';
import { createBenchInstaller, setAdmissionRate } from '../lib/server-process.js';
import { enrolFleet, type Fleet } from './fleet.js';

/** Result of scenario (q). */
export interface ClusterFailoverResult {
  agents: number;
  workers: number;
  admissionRate: number;
  /** Seconds between node heartbeats (the product's default): a node silent 3× this is dead. */
  heartbeatSec: number;
  enrolMs: number;
  /** From the last agent started until all were authenticated on some node. */
  initialConnectMs: number;
  /** Agents authenticated on each node before the kill (`tether_devices_online`). */
  spreadBefore: Record<string, number>;
  killedNode: string;
  /** Agents the killed node held: the ones that had to come back. */
  heldByKilled: number;
  /**
   * From SIGKILL until the surviving nodes' own counts of authenticated agents add up to the
   * fleet again (each node counts its own control channels, never another node's rows).
   */
  allBackMs: number | null;
  /** Agents not back on a surviving node `lostAfterMs` after the kill. */
  lost: number;
  lostAfterMs: number;
  spreadAfter: Record<string, number>;
  /** When a surviving node's `/metrics` first listed a dead node (its lease ran out). */
  deadNodeSeenMs: number | null;
  /**
   * Once a survivor listed the dead node and a heartbeat more went by: each survivor's
   * `tether_cluster_agents` (live nodes' heartbeats) and the devices its console API lists as
   * online, which must be the whole fleet: no agent still shown on the dead node, none missing.
   */
  afterLease: {
    clusterAgents: Record<string, Record<string, number>>;
    consoleOnline: Record<string, number>;
  } | null;
  /** CPU the surviving node processes and the fleet's workers used from the kill until all back. */
  survivorsCpuMs: Record<string, number>;
  fleetCpuMs: number;
  /** CPU the services used meanwhile: PostgreSQL (all its processes), HAProxy, NATS. */
  servicesCpuMs: Record<string, number>;
  /** The machine's busy CPU time meanwhile, of `cores` × the wall time. */
  machine: { busyMs: number; cores: number };
  /** `/metrics` reads a node did not answer (a 503 when its database pool is saturated). */
  metricsUnanswered: number;
  /** Each node's warning and error log lines by message, the ten most frequent. */
  nodeWarnings: Record<string, Record<string, number>>;
  /** The machine's load average (1 min) at the kill and when the agents were back. */
  loadAverage: { atKill: number; atEnd: number };
  /**
   * The agents whose connection ended after the kill, as their fleet workers saw it: when each
   * noticed (ms after the kill), when it was authenticated again, how many attempts failed in
   * between, and why those failed (close code and reason, the most frequent first).
   */
  returning: {
    agents: number;
    lostMs: Summary;
    backMs: Summary;
    failedAttempts: Summary;
    failures: Record<string, number>;
  };
  /** [ms since the kill, agents on the surviving nodes] about every 500 ms. */
  timeline: [number, number][];
  target: { maxAllBackMs: number; maxLost: number };
  passed: boolean;
}

/** The product's default heartbeat (cluster.heartbeatSec), not the tests' 1 s. */
const HEARTBEAT_SEC = 5;
const LOST_AFTER_MS = 120_000;
const DATABASE_POOL_SIZE = 25;
/**
 * Every read of a survivor's `/metrics` walks its sockets and `/proc/self/fd` (prom-client's
 * process collectors): at 250 ms, ~7 % of a survivor's CPU during a 6,000-agent failover (its
 * profile), where Prometheus scraping every 15 s costs nothing.
 */
const POLL_MS = 500;
const SERVICES = ['postgres', 'haproxy', 'nats-server'];

/** What one node's `/metrics` says: its own agents, dead nodes it knows of, the live nodes' agents. */
async function readNode(
  node: ClusterNodeProcess,
): Promise<{ online: number; deadNodes: number; clusterAgents: Record<string, number> }> {
  const response = await node.conf.request('GET', '/metrics');
  const online = /^tether_devices_online (\d+)/m.exec(response.text)?.[1];
  if (response.status !== 200 || online === undefined)
    throw new Error(`no tether_devices_online in ${node.nodeId}'s /metrics (${response.status})`);
  const clusterAgents = Object.fromEntries(
    [...response.text.matchAll(/^tether_cluster_agents\{node="([^"]+)"\} (\d+)/gm)].map(
      ([, id, count]): [string, number] => [id ?? '', Number(count)],
    ),
  );
  const deadNodes = /^tether_cluster_nodes\{state="dead"\} (\d+)/m.exec(response.text)?.[1];
  return { online: Number(online), deadNodes: Number(deadNodes ?? 0), clusterAgents };
}

/** Calls `read` again, a second later, while it fails (at most `attempts` times); counts failures. */
async function patiently<T>(read: () => Promise<T>, failures: { count: number }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      failures.count += 1;
      if (attempt >= 10) throw error;
      await sleep(1000);
    }
  }
}

/** A node's warning and error log lines (JSON, pino's levels) by message, most frequent first. */
function warningsOf(node: ClusterNodeProcess): Record<string, number> {
  const counts = new Map<string, number>();
  for (const line of node.process.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { level?: number; msg?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // the last line of the killed node, cut short by SIGKILL
    }
    if ((entry.level ?? 0) < 40) continue;
    counts.set(entry.msg ?? '', (counts.get(entry.msg ?? '') ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, 10));
}

async function spreadOf(nodes: ClusterNodeProcess[]): Promise<Record<string, number>> {
  const readings = await Promise.all(nodes.map(readNode));
  return Object.fromEntries(
    nodes.map((node, index) => [node.nodeId, readings[index]?.online ?? 0]),
  );
}

const sum = (spread: Record<string, number>): number =>
  Object.values(spread).reduce((total, count) => total + count, 0);

/**
 * Sets the admission rate on the first node and waits until every node applies it: it is a
 * setting in the shared database, which the other nodes read again on their own schedule.
 */
async function shareAdmissionRate(
  nodes: ClusterNodeProcess[],
  agentsPerSec: number,
): Promise<void> {
  const [first] = nodes;
  if (!first) throw new Error('The cluster has no node.');
  await setAdmissionRate(first.conf, agentsPerSec);
  const startedAt = performance.now();
  for (const node of nodes) {
    for (;;) {
      const view = (await node.conf.request('GET', '/conf/api/admission')).json(AdmissionView);
      if (view.agentsPerSec === agentsPerSec) break;
      if (performance.now() - startedAt > 120_000)
        throw new Error(`${node.nodeId} still admits ${view.agentsPerSec}/s after 2 min`);
      await sleep(1000);
    }
  }
}

/**
 * What the survivors say one heartbeat after the dead node's lease ran out (their own
 * heartbeats then carry their new counts): each one's view of the live nodes' agents, and how
 * many devices its console API lists as online.
 */
async function readAfterLease(
  survivors: ClusterNodeProcess[],
  failures: { count: number },
): Promise<NonNullable<ClusterFailoverResult['afterLease']>> {
  await sleep(HEARTBEAT_SEC * 1000 + 1000);
  const read = async (node: ClusterNodeProcess) => {
    const { clusterAgents } = await readNode(node);
    const list = await node.client.request('GET', '/api/v1/devices?online=true&limit=1');
    return { node: node.nodeId, clusterAgents, online: list.json(DeviceList).total };
  };
  const entries = await Promise.all(survivors.map((node) => patiently(() => read(node), failures)));
  return {
    clusterAgents: Object.fromEntries(entries.map((entry) => [entry.node, entry.clusterAgents])),
    consoleOnline: Object.fromEntries(entries.map((entry) => [entry.node, entry.online])),
  };
}

/**
 * Scenario (q), issue 16: three `tether server` node processes (PostgreSQL, NATS) behind
 * HAProxy; `agents` fleet agents (the workers of (b)) enrolled and connected through HAProxy;
 * SIGKILL of the node holding the most, and the time until every agent it held is
 * authenticated again on the two others.
 *
 * @example
 * const result = await measureClusterFailover(cleanup, { agents: 15_000, workers: 6, admissionRate: 1000 });
 */
export async function measureClusterFailover(
  cleanup: Cleanup,
  options: { agents: number; workers: number; admissionRate: number },
): Promise<ClusterFailoverResult> {
  const { agents, workers, admissionRate } = options;
  const dir = await cleanup.tempDir('failover');
  const cluster = await startCluster({
    count: 3,
    heartbeatSec: HEARTBEAT_SEC,
    // Room for the reconnecting agents beside connections still being torn down.
    connections: Math.ceil(agents * 1.2) + 500,
    // What the README tells an operator of a large fleet: more than the default 10 pooled
    // connections per node (3 × 25 within PostgreSQL's default 100).
    config: { databasePool: { maxConnections: DATABASE_POOL_SIZE } },
  });
  cleanup.defer('cluster', () => cluster.stop());
  const { nodes } = cluster;
  await shareAdmissionRate(nodes, admissionRate);
  const [first] = nodes;
  if (!first) throw new Error('The cluster has no node.');
  const { token } = await createBenchInstaller(first.client, { maxInstalls: agents });
  const serverUrl = cluster.balancer.url;
  const { fleet, enrolMs } = await enrolFleet(cleanup, {
    size: agents,
    workers,
    serverUrl,
    dir,
    token,
  });

  await fleet.start();
  const connectStarted = performance.now();
  const connectDeadlineMs = Math.max(300_000, agents * 40);
  const unanswered = { count: 0 };
  let spreadBefore: Record<string, number> = {};
  while (sum(spreadBefore) < agents) {
    if (performance.now() - connectStarted > connectDeadlineMs)
      throw new Error(
        `only ${sum(spreadBefore)} of ${agents} agents came online at first; the nodes' warnings: ${JSON.stringify(Object.fromEntries(nodes.map((node) => [node.nodeId, warningsOf(node)])))}`,
      );
    await sleep(POLL_MS);
    // A node busy with the fleet may not answer this once; the next poll asks again.
    spreadBefore = await spreadOf(nodes).catch(() => {
      unanswered.count += 1;
      return spreadBefore;
    });
  }
  const initialConnectMs = performance.now() - connectStarted;

  const killed = nodes.reduce((most, node) =>
    (spreadBefore[node.nodeId] ?? 0) > (spreadBefore[most.nodeId] ?? 0) ? node : most,
  );
  const survivors = nodes.filter((node) => node !== killed);
  const heldByKilled = spreadBefore[killed.nodeId] ?? 0;
  const cpuBefore = await Promise.all(survivors.map((node) => readCpuMs(node.process.pid ?? 0)));
  const fleetCpuBefore = await fleet.cpuMs();
  const servicesBefore = await readCommandCpu(SERVICES);
  const machineBefore = await readMachineBusyMs();
  const loadAtKill = loadavg()[0] ?? 0;
  const killedAt = performance.now();
  const killedAtEpochMs = Date.now();
  await cluster.kill(killed);
  const since = (): number => Math.round(performance.now() - killedAt);

  const timeline: [number, number][] = [];
  let back = 0;
  let deadNodeSeenMs: number | null = null;
  while (back < agents && since() < LOST_AFTER_MS) {
    // A survivor too busy to answer in time is asked again at the next poll.
    const readings = await Promise.all(survivors.map(readNode)).catch(() => {
      unanswered.count += 1;
      return [];
    });
    if (readings.length === survivors.length)
      back = readings.reduce((total, reading) => total + reading.online, 0);
    if (deadNodeSeenMs === null && readings.some((reading) => reading.deadNodes > 0))
      deadNodeSeenMs = since();
    if (timeline.length === 0 || since() - (timeline.at(-1)?.[0] ?? 0) >= 500)
      timeline.push([since(), back]);
    if (back < agents) await sleep(POLL_MS);
  }
  const allBackMs = back >= agents ? since() : null;
  timeline.push([since(), back]);
  const cpuAfter = await Promise.all(survivors.map((node) => readCpuMs(node.process.pid ?? 0)));
  const fleetCpuMs = (await fleet.cpuMs()) - fleetCpuBefore;
  const machineBusyMs = (await readMachineBusyMs()) - machineBefore;
  const servicesAfter = await readCommandCpu(SERVICES);
  const returning = returningAgents(await fleet.reconnections(killedAtEpochMs));
  const loadAtEnd = loadavg()[0] ?? 0;
  const afterReadings = await Promise.all(
    survivors.map((node) => patiently(() => readNode(node), unanswered)),
  );
  while (deadNodeSeenMs === null && since() < LOST_AFTER_MS) {
    await sleep(POLL_MS);
    const readings = await Promise.all(survivors.map(readNode)).catch(() => []);
    if (readings.some((reading) => reading.deadNodes > 0)) deadNodeSeenMs = since();
  }
  const afterLease = deadNodeSeenMs === null ? null : await readAfterLease(survivors, unanswered);
  const target = { maxAllBackMs: 20_000, maxLost: 0 };
  const lost = agents - back;
  return {
    agents,
    workers,
    admissionRate,
    heartbeatSec: HEARTBEAT_SEC,
    enrolMs: Math.round(enrolMs),
    initialConnectMs: Math.round(initialConnectMs),
    spreadBefore,
    killedNode: killed.nodeId,
    heldByKilled,
    allBackMs,
    lost,
    lostAfterMs: LOST_AFTER_MS,
    spreadAfter: Object.fromEntries(
      survivors.map((node, index) => [node.nodeId, afterReadings[index]?.online ?? 0]),
    ),
    deadNodeSeenMs,
    afterLease,
    survivorsCpuMs: Object.fromEntries(
      survivors.map((node, index) => [
        node.nodeId,
        (cpuAfter[index] ?? 0) - (cpuBefore[index] ?? 0),
      ]),
    ),
    fleetCpuMs,
    servicesCpuMs: cpuUsedSince(servicesBefore, servicesAfter),
    machine: { busyMs: machineBusyMs, cores: availableParallelism() },
    metricsUnanswered: unanswered.count,
    nodeWarnings: Object.fromEntries(nodes.map((node) => [node.nodeId, warningsOf(node)])),
    loadAverage: { atKill: loadAtKill, atEnd: loadAtEnd },
    returning,
    timeline,
    target,
    passed: allBackMs !== null && allBackMs <= target.maxAllBackMs && lost <= target.maxLost,
  };
}

function returningAgents(
  reconnections: Awaited<ReturnType<Fleet['reconnections']>>,
): ClusterFailoverResult['returning'] {
  const { agents } = reconnections;
  return {
    agents: agents.length,
    lostMs: summarize(agents.map((agent) => agent.lostMs)),
    backMs: summarize(agents.flatMap((agent) => (agent.backMs === null ? [] : [agent.backMs]))),
    failedAttempts: summarize(agents.map((agent) => agent.attempts)),
    failures: Object.fromEntries(
      Object.entries(reconnections.failures)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6),
    ),
  };
}
