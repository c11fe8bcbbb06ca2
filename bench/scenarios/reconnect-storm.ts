import { performance } from 'node:perf_hooks';
import { readCpuMs, readListenOverflows } from '../lib/proc-stats.js';
import type { ServerProcess } from '../lib/server-process.js';

/** Result of scenario (c). */
export interface ReconnectStormResult {
  agents: number;
  /** From SIGKILL to every agent authenticated again on the new process. */
  allOnlineMs: number | null;
  /** From SIGKILL until the new process listened (tsx start-up, keys, database, recovery). */
  serverRestartMs: number;
  /** `allOnlineMs - serverRestartMs`: the part the agents and the admission path account for. */
  afterListenMs: number | null;
  /** Agents still offline when the measurement gave up. */
  failed: number;
  /** CPU the new server process used from its start until all agents were back. */
  serverCpuMs: number;
  /** CPU the agents' worker processes used over the same time (the agents' side of the storm). */
  agentsCpuMs: number;
  /** The same restart with no agent connected, for comparison with `serverRestartMs`. */
  idleServerRestartMs: number;
  /** Connection attempts the kernel dropped because the server's listen queue was full. */
  listenOverflows: number;
  /** [ms since the kill, agents online] every ~250 ms. */
  timeline: [number, number][];
  target: { maxMs: number; maxFailed: number };
  passed: boolean;
}

const POLL_MS = 100;

/**
 * Scenario (c): SIGKILL the server while `agents` are connected, start it again on the same
 * ports and data dir, and poll `tether_devices_online` until all are back or `deadlineMs`.
 *
 * @example
 * const storm = await measureReconnectStorm(server, { agents: 2000, deadlineMs: 60_000, agentsCpuMs: fleet.cpuMs, idleServerRestartMs });
 */
export async function measureReconnectStorm(
  server: ServerProcess,
  options: {
    agents: number;
    deadlineMs: number;
    agentsCpuMs: () => Promise<number>;
    idleServerRestartMs: number;
  },
): Promise<ReconnectStormResult> {
  const agentsCpuBefore = await options.agentsCpuMs();
  const overflowsBefore = await readListenOverflows();
  const killedAt = performance.now();
  const since = (): number => Math.round(performance.now() - killedAt);
  await server.kill();
  await server.restart();
  const serverRestartMs = since();
  const timeline: [number, number][] = [];
  let online = 0;
  let lastRecorded = -Infinity;
  while (online < options.agents && since() < options.deadlineMs) {
    online = await server.devicesOnline().catch(() => online);
    if (since() - lastRecorded >= 250 || online >= options.agents) {
      timeline.push([since(), online]);
      lastRecorded = since();
    }
    if (online < options.agents) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const allOnlineMs = online >= options.agents ? since() : null;
  const serverCpuMs = await readCpuMs(server.pid());
  const agentsCpuMs = (await options.agentsCpuMs()) - agentsCpuBefore;
  const listenOverflows = (await readListenOverflows()) - overflowsBefore;
  const target = { maxMs: 5000, maxFailed: 0 };
  const failed = options.agents - online;
  return {
    agents: options.agents,
    allOnlineMs,
    serverRestartMs,
    afterListenMs: allOnlineMs === null ? null : allOnlineMs - serverRestartMs,
    failed,
    serverCpuMs,
    agentsCpuMs,
    idleServerRestartMs: Math.round(options.idleServerRestartMs),
    listenOverflows,
    timeline,
    target,
    passed: allOnlineMs !== null && allOnlineMs <= target.maxMs && failed <= target.maxFailed,
  };
}
