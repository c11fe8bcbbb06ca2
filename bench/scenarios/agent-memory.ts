import type { BareIdleResult } from './bare-idle-connections.js';
import { readRssKib } from '../lib/proc-stats.js';
import type { ServerProcess } from '../lib/server-process.js';
import { median } from '../lib/summary.js';

/** Result of scenario (b). KiB = 1024 bytes. */
export interface AgentMemoryResult {
  agents: number;
  baselineRssKib: number;
  loadedRssKib: number;
  kibPerAgent: number;
  /** V8 heap in use, from the server's own /metrics: the JavaScript part of the figure. */
  baselineHeapUsedKib: number;
  loadedHeapUsedKib: number;
  heapKibPerAgent: number;
  /** How long the fleet took to come online from a cold start (all agents at once). */
  initialConnectMs: number;
  /** CPU of the server and of the agents over that cold start, and connection attempts dropped by a full listen queue. */
  initialConnectServerCpuMs: number;
  initialConnectAgentsCpuMs: number;
  initialConnectListenOverflows: number;
  settleMs: number;
  /** RSS per idle WSS connection of a bare `ws` server, measured the same way in the same run. */
  bareWsTlsKibPerConnection: number;
  /** The same readings right after a forced full garbage collection in each server. */
  afterGc: {
    baselineRssKib: number;
    loadedRssKib: number;
    kibPerAgent: number;
    heapKibPerAgent: number;
    bareWsTlsKibPerConnection: number;
    bareWsTlsHeapKibPerConnection: number;
  };
  target: { maxKibPerAgent: number };
  passed: boolean;
}

/** The fleet's first connection, all agents at once. */
export interface ColdConnect {
  ms: number;
  serverCpuMs: number;
  agentsCpuMs: number;
  listenOverflows: number;
}

/** One memory reading of the server: RSS from /proc and heap used from /metrics. */
export interface MemorySample {
  rssKib: number;
  heapUsedKib: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function sampleOnce(server: ServerProcess): Promise<MemorySample> {
  const response = await server.adminClient.request('GET', '/metrics');
  const heap = /^tether_nodejs_heap_size_used_bytes\s+(\d+)/m.exec(response.text)?.[1];
  return {
    rssKib: await readRssKib(server.pid()),
    heapUsedKib: Math.round(Number(heap ?? Number.NaN) / 1024),
  };
}

/**
 * Medians of `count` readings taken `intervalMs` apart: a single RSS reading catches the heap
 * just before or just after a collection, the median of several does not.
 *
 * @example
 * const baseline = await sampleMemory(server, { count: 5, intervalMs: 500 });
 */
export async function sampleMemory(
  server: ServerProcess,
  options: { count: number; intervalMs: number },
): Promise<MemorySample> {
  const samples: MemorySample[] = [];
  for (let index = 0; index < options.count; index++) {
    if (index > 0) await sleep(options.intervalMs);
    samples.push(await sampleOnce(server));
  }
  return {
    rssKib: median(samples.map((sample) => sample.rssKib)),
    heapUsedKib: median(samples.map((sample) => sample.heapUsedKib)),
  };
}

/**
 * Forces a full garbage collection in the server, then takes the median of three readings.
 *
 * @example
 * const afterGc = await sampleAfterGc(server);
 */
export async function sampleAfterGc(server: ServerProcess): Promise<MemorySample> {
  await server.collectGarbage();
  return sampleMemory(server, { count: 3, intervalMs: 300 });
}

const perAgent = (before: number, after: number, agents: number): number =>
  Math.round(((after - before) / agents) * 10) / 10;

/** Turns the two readings into the per-agent figure and the verdict. */
export function agentMemoryResult(input: {
  agents: number;
  baseline: MemorySample;
  loaded: MemorySample;
  afterGc: { baseline: MemorySample; loaded: MemorySample };
  initialConnect: ColdConnect;
  settleMs: number;
  bare: BareIdleResult;
}): AgentMemoryResult {
  const { agents, baseline, loaded } = input;
  const kibPerAgent = perAgent(baseline.rssKib, loaded.rssKib, agents);
  const { afterGc } = input;
  const target = { maxKibPerAgent: 40 };
  return {
    agents,
    baselineRssKib: baseline.rssKib,
    loadedRssKib: loaded.rssKib,
    kibPerAgent,
    baselineHeapUsedKib: baseline.heapUsedKib,
    loadedHeapUsedKib: loaded.heapUsedKib,
    heapKibPerAgent: perAgent(baseline.heapUsedKib, loaded.heapUsedKib, agents),
    initialConnectMs: Math.round(input.initialConnect.ms),
    initialConnectServerCpuMs: Math.round(input.initialConnect.serverCpuMs),
    initialConnectAgentsCpuMs: Math.round(input.initialConnect.agentsCpuMs),
    initialConnectListenOverflows: input.initialConnect.listenOverflows,
    settleMs: input.settleMs,
    bareWsTlsKibPerConnection: input.bare.kibPerConnection,
    afterGc: {
      baselineRssKib: afterGc.baseline.rssKib,
      loadedRssKib: afterGc.loaded.rssKib,
      kibPerAgent: perAgent(afterGc.baseline.rssKib, afterGc.loaded.rssKib, agents),
      heapKibPerAgent: perAgent(afterGc.baseline.heapUsedKib, afterGc.loaded.heapUsedKib, agents),
      bareWsTlsKibPerConnection: input.bare.afterGc.kibPerConnection,
      bareWsTlsHeapKibPerConnection: input.bare.afterGc.heapKibPerConnection,
    },
    target,
    passed: kibPerAgent <= target.maxKibPerAgent,
  };
}
