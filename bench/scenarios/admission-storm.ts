import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeviceList } from '@tether/protocol';
import { HttpsClient } from '../../test/support/https-client.js';
import type { Cleanup } from '../lib/cleanup.js';
import { readCpuMs, readListenOverflows } from '../lib/proc-stats.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { summarize, type Summary } from '../lib/summary.js';
import { enrolFleet, type Fleet } from './fleet.js';

/** Result of scenario (o). */
export interface AdmissionStormResult {
  agents: number;
  workers: number;
  admissionRate: number;
  enrolMs: number;
  /** The fleet's first connection, through admission too. */
  initialConnectMs: number;
  /** From SIGKILL until the new process listened. */
  serverRestartMs: number;
  /** From the new process listening until every agent was authenticated again. */
  afterListenMs: number | null;
  /** What the rate alone makes the storm last: (agents − burst) / rate. */
  floorMs: number;
  failed: number;
  /** Agent connections the new process answered 503 (come back later), and admitted. */
  deferred: number;
  admitted: number;
  /** CPU the new server process used from listening until the storm ended (its start left out). */
  serverCpuMs: number;
  /**
   * The same per 1,000 agents back: the server's cost of an agent's reconnection, which the
   * machine's load hardly moves (CPU time, not wall time).
   */
  serverCpuMsPer1000Agents: number;
  /**
   * With `--baseline-cli`: more storms on the same fleet, alternating this build and the
   * baseline build, each without the technician; medians and baseline ÷ this.
   */
  comparison?: StormComparison;
  /**
   * Connections the kernel dropped during the storm because an accept queue was full (this
   * network namespace, all listeners): SYNs the agents had to send again.
   */
  listenOverflows: number;
  /**
   * CPU the fleet's worker processes used over the same time: the load generator shares the
   * machine's cores with the server, and can be what sets the pace.
   */
  fleetCpuMs: { whileRestarting: number; duringStorm: number };
  /** The technician's sign-in on the new process, during the storm. */
  signInMs: number | null;
  /** Console API calls, one after another from listening until all agents are back. */
  api: Summary & { failed: number; paths: string[] };
  /** [ms since listening, agents online] about every 500 ms. */
  timeline: [number, number][];
  target: { maxAfterListenMs: number; maxFailed: number; maxApiP99Ms: number };
  passed: boolean;
}

/** One storm of the comparison: which build served it, and what it cost. */
export interface ComparedStorm {
  build: 'this' | 'baseline';
  afterListenMs: number | null;
  serverCpuMs: number;
  serverCpuMsPer1000Agents: number;
  fleetCpuMs: number;
}

/** This build against a baseline build (e.g. main), storms alternating on one fleet. */
export interface StormComparison {
  /**
   * The baseline's `tether` (bundle or sources), and this build's bundle (null: this tree's
   * sources through tsx, as the bench runs them by default).
   */
  baselineCli: string;
  thisCli: string | null;
  storms: ComparedStorm[];
  medianCpuMsPer1000Agents: { this: number; baseline: number };
  medianAfterListenMs: { this: number | null; baseline: number | null };
  /** Baseline CPU per agent ÷ this build's: how many times cheaper a reconnection became. */
  cpuRatio: number;
}

/**
 * How long the storm is waited for after the restart: long enough to tell an agent that is
 * late (a loaded machine: 50 agents a second were seen) from one that is lost (the stall).
 */
const deadlineMs = (agents: number): number => Math.max(300_000, agents * 40);
const INITIAL_DEADLINE_MS = 300_000;
const POLL_MS = 250;

/** Reads a labelled sample of the server's `/metrics`. */
async function admissions(server: ServerProcess): Promise<{ admitted: number; deferred: number }> {
  const text = (await server.adminClient.request('GET', '/metrics')).text;
  const read = (decision: string): number =>
    Number(
      new RegExp(`^tether_agent_connections\\{decision="${decision}"\\} (\\d+)`, 'm').exec(
        text,
      )?.[1] ?? 0,
    );
  return { admitted: read('admitted'), deferred: read('deferred') };
}

/**
 * What a technician's console asks for while the storm goes on: sign-in, then the calls of a
 * device page (who am I, the device, its sessions, groups, policies), one after another until
 * `isDone()`. Requests refused by the network (the server not yet up) are counted as failed.
 */
async function technicianDuring(
  server: ServerProcess,
  deviceId: string,
  isDone: () => boolean,
): Promise<{ signInMs: number | null; api: AdmissionStormResult['api'] }> {
  const paths = [
    '/api/v1/auth/me',
    `/api/v1/devices/${deviceId}`,
    `/api/v1/sessions?deviceId=${deviceId}`,
    '/api/v1/device-groups',
    '/api/v1/policies',
  ];
  const client = new HttpsClient(server.url, server.ca);
  const startedAt = performance.now();
  const login = await client
    .request('POST', '/api/v1/auth/login', { username: 'admin', password: server.adminPassword })
    .catch(() => undefined);
  const signInMs = login?.status === 200 ? performance.now() - startedAt : null;
  const times: number[] = [];
  let failed = 0;
  for (let index = 0; !isDone(); index++) {
    const started = performance.now();
    const response = await client
      .request('GET', paths[index % paths.length] ?? '/api/v1/auth/me')
      .catch(() => undefined);
    if (response?.status === 200) times.push(performance.now() - started);
    else failed += 1;
    await sleep(20);
  }
  return { signInMs, api: { ...summarize(times), failed, paths } };
}

/**
 * Scenario (o), A-13: `agents` real agents (the workers of (b)) connected to a server whose
 * admission rate is `admissionRate`; SIGKILL, restart on the same ports and data dir, and time
 * until all are back, while a technician signs in and uses the console API.
 *
 * @example
 * const result = await measureAdmissionStorm(cleanup, { agents: 15_000, workers: 6, admissionRate: 1000 });
 */
export async function measureAdmissionStorm(
  cleanup: Cleanup,
  options: {
    agents: number;
    workers: number;
    admissionRate: number;
    /** A baseline build's bundled `tether.mjs` to compare this build's storms with. */
    baselineCli?: string | undefined;
    /** Pairs of storms (this build, baseline) in the comparison. */
    compareRounds?: number;
  },
): Promise<AdmissionStormResult> {
  const { agents, admissionRate } = options;
  const dir = await cleanup.tempDir('admission');
  const server = await startServerProcess({
    dataDir: join(dir, 'server'),
    cleanup,
    admissionRate,
  });
  const { token } = await server.createInstaller({ maxInstalls: agents });
  const { fleet, enrolMs } = await enrolFleet(cleanup, {
    size: agents,
    workers: options.workers,
    serverUrl: server.url,
    dir,
    token,
  });

  await fleet.start();
  // Timed from the last agent started: starting 15,000 takes a while by itself.
  const connectStarted = performance.now();
  for (let online = 0; online < agents; online = await server.devicesOnline()) {
    if (performance.now() - connectStarted > INITIAL_DEADLINE_MS)
      throw new Error(`only ${online} of ${agents} agents came online at first`);
    await sleep(200);
  }
  const initialConnectMs = performance.now() - connectStarted;
  const deviceId =
    (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList).devices[0]?.id ?? '';

  const overflowsBefore = await readListenOverflows();
  const fleetCpuBefore = await fleet.cpuMs();
  const killedAt = performance.now();
  await server.kill();
  await server.restart();
  const listeningAt = performance.now();
  const startCpuMs = await readCpuMs(server.pid());
  const fleetCpuAtListen = await fleet.cpuMs();
  const since = (): number => Math.round(performance.now() - listeningAt);
  let online = 0;
  const technician = technicianDuring(
    server,
    deviceId,
    () => online >= agents || since() > deadlineMs(agents),
  );
  const timeline: [number, number][] = [];
  while (online < agents && since() < deadlineMs(agents)) {
    online = await server.devicesOnline().catch(() => online);
    if (timeline.length === 0 || since() - (timeline.at(-1)?.[0] ?? 0) >= 500)
      timeline.push([since(), online]);
    // Not faster: each /metrics answer walks every open handle (15,000 sockets) in the server.
    if (online < agents) await sleep(POLL_MS);
  }
  const afterListenMs = online >= agents ? since() : null;
  timeline.push([since(), online]);
  const { signInMs, api } = await technician;
  const counts = await admissions(server);
  const serverCpuMs = (await readCpuMs(server.pid())) - startCpuMs;
  const profile = await server.writeProfile();
  if (profile) process.stderr.write(`bench: (o) the restarted server's CPU profile: ${profile}\n`);
  const listenOverflows = (await readListenOverflows()) - overflowsBefore;
  const fleetCpuMs = {
    whileRestarting: fleetCpuAtListen - fleetCpuBefore,
    duringStorm: (await fleet.cpuMs()) - fleetCpuAtListen,
  };
  const target = { maxAfterListenMs: 20_000, maxFailed: 0, maxApiP99Ms: 200 };
  const failed = agents - online;
  const comparison = options.baselineCli
    ? await compareWithBaseline(server, fleet, {
        agents,
        baselineCli: options.baselineCli,
        rounds: options.compareRounds ?? 2,
      })
    : undefined;
  return {
    agents,
    workers: options.workers,
    admissionRate,
    enrolMs: Math.round(enrolMs),
    initialConnectMs: Math.round(initialConnectMs),
    serverRestartMs: Math.round(listeningAt - killedAt),
    afterListenMs,
    floorMs: Math.max(0, Math.round(((agents - admissionRate / 2) / admissionRate) * 1000)),
    failed,
    ...counts,
    serverCpuMs,
    serverCpuMsPer1000Agents: Math.round((serverCpuMs / Math.max(1, online)) * 1000),
    ...(comparison && { comparison }),
    listenOverflows,
    fleetCpuMs,
    signInMs: signInMs === null ? null : Math.round(signInMs),
    api,
    timeline,
    target,
    passed:
      afterListenMs !== null &&
      afterListenMs <= target.maxAfterListenMs &&
      failed <= target.maxFailed &&
      api.p99 <= target.maxApiP99Ms,
  };
}

/** The middle value, or the mean of the two middle ones. */
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  const low = sorted[Math.floor(middle)] ?? 0;
  return Math.round((low + (sorted[Math.ceil(middle)] ?? low)) / 2);
};

/** SIGKILL, restart with `cli` (default: this build), and time the storm; no technician. */
async function plainStorm(
  server: ServerProcess,
  fleet: Fleet,
  agents: number,
  cli: string | undefined,
): Promise<Omit<ComparedStorm, 'build'>> {
  await server.kill();
  await server.restart(cli === undefined ? undefined : { cli });
  const listeningAt = performance.now();
  const cpuAtListen = await readCpuMs(server.pid());
  const fleetAtListen = await fleet.cpuMs();
  let online = 0;
  while (online < agents && performance.now() - listeningAt < deadlineMs(agents)) {
    await sleep(POLL_MS);
    online = await server.devicesOnline().catch(() => online);
  }
  const serverCpuMs = (await readCpuMs(server.pid())) - cpuAtListen;
  return {
    afterListenMs: online >= agents ? Math.round(performance.now() - listeningAt) : null,
    serverCpuMs,
    serverCpuMsPer1000Agents: Math.round((serverCpuMs / Math.max(1, online)) * 1000),
    fleetCpuMs: (await fleet.cpuMs()) - fleetAtListen,
  };
}

/**
 * `rounds` pairs of storms on the same fleet, this build and the baseline in turn (which goes
 * first alternates too), so that both meet the same machine load.
 */
async function compareWithBaseline(
  server: ServerProcess,
  fleet: Fleet,
  options: { agents: number; baselineCli: string; rounds: number },
): Promise<StormComparison> {
  const storms: ComparedStorm[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order: ComparedStorm['build'][] =
      round % 2 === 0 ? ['baseline', 'this'] : ['this', 'baseline'];
    for (const build of order) {
      const cli = build === 'baseline' ? options.baselineCli : undefined;
      storms.push({ build, ...(await plainStorm(server, fleet, options.agents, cli)) });
    }
  }
  // The server is left running this build, as the scenario found it.
  if (storms.at(-1)?.build === 'baseline')
    await plainStorm(server, fleet, options.agents, undefined);
  const of = (build: ComparedStorm['build']): ComparedStorm[] =>
    storms.filter((storm) => storm.build === build);
  const cpu = {
    this: median(of('this').map((storm) => storm.serverCpuMsPer1000Agents)),
    baseline: median(of('baseline').map((storm) => storm.serverCpuMsPer1000Agents)),
  };
  const wall = (build: ComparedStorm['build']): number | null => {
    const times = of(build).flatMap((storm) => storm.afterListenMs ?? []);
    return times.length === of(build).length ? median(times) : null;
  };
  return {
    baselineCli: options.baselineCli,
    thisCli: process.env.TETHER_TEST_CLI_BUNDLE ?? null,
    storms,
    medianCpuMsPer1000Agents: cpu,
    medianAfterListenMs: { this: wall('this'), baseline: wall('baseline') },
    cpuRatio: Math.round((cpu.baseline / Math.max(1, cpu.this)) * 100) / 100,
  };
}

type Row = [scenario: string, metric: string, measured: string, target: string, verdict: string];

const ms = (value: number | null): string => (value === null ? 'n/a' : `${Math.round(value)} ms`);
const verdict = (isMet: boolean): string => (isMet ? 'PASS' : 'FAIL');

function comparisonRows(comparison: StormComparison | undefined): Row[] {
  if (!comparison) return [];
  const { medianCpuMsPer1000Agents: cpu, medianAfterListenMs: wall } = comparison;
  const pairs = comparison.storms.length / 2;
  return [
    [
      'o',
      `server CPU per 1,000 agents, this build / baseline (median of ${pairs} storms each)`,
      `${ms(cpu.this)} / ${ms(cpu.baseline)} (${comparison.cpuRatio}× cheaper)`,
      '',
      '',
    ],
    [
      'o',
      'storm after listening, this build / baseline',
      `${ms(wall.this)} / ${ms(wall.baseline)}`,
      '',
      '',
    ],
  ];
}

/** The table rows of scenario (o). */
export function admissionStormRows(result: AdmissionStormResult): Row[] {
  const { target } = result;
  return [
    [
      'o',
      `${result.agents} agents back after a restart at ${result.admissionRate}/s (from listening)`,
      ms(result.afterListenMs),
      `≤ ${target.maxAfterListenMs} ms`,
      verdict(result.afterListenMs !== null && result.afterListenMs <= target.maxAfterListenMs),
    ],
    [
      'o',
      'agents lost',
      String(result.failed),
      `${target.maxFailed}`,
      verdict(result.failed <= target.maxFailed),
    ],
    [
      'o',
      `console API p99 during the storm (${result.api.count} calls, ${result.api.failed} failed)`,
      ms(result.api.p99),
      `≤ ${target.maxApiP99Ms} ms`,
      verdict(result.api.p99 <= target.maxApiP99Ms),
    ],
    ['o', 'console API p50 / max', `${ms(result.api.p50)} / ${ms(result.api.max)}`, '', ''],
    ['o', 'technician sign-in during the storm', ms(result.signInMs), '', ''],
    ['o', 'floor set by the rate alone', ms(result.floorMs), '', ''],
    ['o', 'server restart until listening', ms(result.serverRestartMs), '', ''],
    [
      'o',
      'connections deferred (503) / admitted',
      `${result.deferred} / ${result.admitted}`,
      '',
      '',
    ],
    ['o', 'server CPU during the storm', ms(result.serverCpuMs), '', ''],
    ['o', 'server CPU per 1,000 agents back', ms(result.serverCpuMsPer1000Agents), '', ''],
    ...comparisonRows(result.comparison),
    ['o', 'SYNs dropped, accept queue full', String(result.listenOverflows), '', ''],
    [
      'o',
      'fleet workers CPU while the server restarted / during the storm',
      `${ms(result.fleetCpuMs.whileRestarting)} / ${ms(result.fleetCpuMs.duringStorm)}`,
      '',
      '',
    ],
    ['o', 'first connection of the fleet (also admitted)', ms(result.initialConnectMs), '', ''],
  ];
}
