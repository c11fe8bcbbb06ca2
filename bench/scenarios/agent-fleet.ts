import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Cleanup } from '../lib/cleanup.js';
import { readCpuMs, readListenOverflows } from '../lib/proc-stats.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { measureBareIdleConnections } from './bare-idle-connections.js';
import {
  agentMemoryResult,
  sampleAfterGc,
  sampleMemory,
  type AgentMemoryResult,
  type ColdConnect,
} from './agent-memory.js';
import { startFleet, type Fleet } from './fleet.js';
import { measureReconnectStorm, type ReconnectStormResult } from './reconnect-storm.js';

/** Options of {@link runAgentFleet}. */
export interface AgentFleetOptions {
  agents: number;
  workers: number;
  /** Scenario (b) */
  measureMemory: boolean;
  /** Scenario (c) */
  measureStorm: boolean;
  /** Time connected agents get before the loaded reading (covers a statistics interval). */
  settleMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `/metrics` until `count` agents are online; returns how long it took. */
async function waitOnline(
  server: ServerProcess,
  count: number,
  timeoutMs: number,
): Promise<number> {
  const startedAt = performance.now();
  for (;;) {
    const online = await server.devicesOnline();
    if (online >= count) return performance.now() - startedAt;
    if (performance.now() - startedAt > timeoutMs)
      throw new Error(`only ${online} of ${count} agents came online within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Starts the fleet and times it until every agent is online, with the server's CPU meanwhile. */
async function timeColdConnect(
  server: ServerProcess,
  fleet: Fleet,
  agents: number,
): Promise<ColdConnect> {
  const before = { server: await readCpuMs(server.pid()), agents: await fleet.cpuMs() };
  const overflowsBefore = await readListenOverflows();
  const startedAt = performance.now();
  await fleet.start();
  await waitOnline(server, agents, 120_000);
  return {
    ms: performance.now() - startedAt,
    serverCpuMs: (await readCpuMs(server.pid())) - before.server,
    agentsCpuMs: (await fleet.cpuMs()) - before.agents,
    listenOverflows: (await readListenOverflows()) - overflowsBefore,
  };
}

/**
 * Scenarios (b) and (c) on one fleet: enrol `agents` real agents (own Ed25519 key and data dir
 * each) through one installer, restart the server so the baseline is a fresh process with no
 * enrolment garbage, read its memory, connect the fleet, let it settle, read again; then kill
 * the server and time the reconnect storm.
 */
export async function runAgentFleet(
  cleanup: Cleanup,
  options: AgentFleetOptions,
): Promise<{ memory?: AgentMemoryResult; storm?: ReconnectStormResult }> {
  const dir = await cleanup.tempDir('fleet');
  const server = await startServerProcess({
    dataDir: join(dir, 'server'),
    cleanup,
    forcedGc: options.measureMemory,
    // A large server's rate: the default 50/s would hold 2000 agents back for 40 s.
    admissionRate: 1000,
  });
  // The floor first, while nothing else runs: what a bare ws server pays per idle TLS socket.
  const bare = options.measureMemory
    ? await measureBareIdleConnections(cleanup, {
        keysDir: join(server.dataDir, 'keys'),
        connections: options.agents,
      })
    : undefined;
  const { token } = await server.createInstaller({ maxInstalls: options.agents });
  const fleet = startFleet({
    size: options.agents,
    workers: options.workers,
    serverUrl: server.url,
    dir,
    cleanup,
  });
  cleanup.defer('fleet', () => fleet.stop());
  const enrolment = await fleet.enroll(token);
  if (enrolment.enrolled !== options.agents)
    throw new Error(
      `only ${enrolment.enrolled} of ${options.agents} agents enrolled: ${enrolment.failures.join('; ')}`,
    );

  await server.stop();
  const idleServerRestartMs = await server.restart();
  // Warm-up: the metrics path once, so its first-use allocations are in the baseline.
  await server.devicesOnline();
  await sleep(2000);
  const baseline = await sampleMemory(server, { count: 5, intervalMs: 500 });
  const baselineAfterGc = options.measureMemory ? await sampleAfterGc(server) : undefined;
  const initialConnect = await timeColdConnect(server, fleet, options.agents);
  const result: { memory?: AgentMemoryResult; storm?: ReconnectStormResult } = {};
  if (bare && baselineAfterGc) {
    await sleep(options.settleMs);
    const loaded = await sampleMemory(server, { count: 5, intervalMs: 1000 });
    result.memory = agentMemoryResult({
      agents: options.agents,
      baseline,
      loaded,
      afterGc: { baseline: baselineAfterGc, loaded: await sampleAfterGc(server) },
      initialConnect,
      settleMs: options.settleMs,
      bare,
    });
  }
  if (options.measureStorm) {
    result.storm = await measureReconnectStorm(server, {
      agents: options.agents,
      deadlineMs: 60_000,
      agentsCpuMs: () => fleet.cpuMs(),
      idleServerRestartMs,
    });
  }
  return result;
}
