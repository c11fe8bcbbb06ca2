import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateSessionResponse } from '@tether/protocol';
import { startPostgres } from '../../packages/server/test/support/postgres.js';
import { HttpsClient } from '../../test/support/https-client.js';
import type { Cleanup } from '../lib/cleanup.js';
import { benchLogger } from '../lib/logger.js';
import { closed, opened } from '../lib/open-socket.js';
import { readRssKib } from '../lib/proc-stats.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { probeEcho } from './binary-echo.js';
import { enrolledEchoDevice } from './echo-device.js';
import { startFleet } from './fleet.js';

/** Result of scenario (j). */
export interface DatabaseOutageResult {
  outageSec: number;
  agents: number;
  /** Requests started and answered while PostgreSQL was stopped, by kind and HTTP status. */
  duringOutage: { signIns: Record<string, number>; sessions: Record<string, number> };
  /** Sign-ins or sessions that succeeded while the database was stopped (must be 0). */
  allowedDuringOutage: number;
  /** Answers other than 503 during the outage (timeouts, 500s, dropped connections). */
  otherThan503: number;
  serverSurvived: boolean;
  rssKib: { before: number; peakDuringOutage: number; after: number };
  /** From PostgreSQL accepting connections again to a sign-in and a session both working. */
  recoveryMs: number | null;
  /** Agents connected after the recovery, without any restart. */
  agentsOnlineAfter: number;
  passed: boolean;
}

type Phase = 'before' | 'outage' | 'between' | 'after';
const RECOVERY_LIMIT_MS = 10_000;
const LOAD_LOOPS = 4;

/** A technician's session on the echo device: ask, join, one echo, close. */
async function oneSession(server: ServerProcess, deviceId: string): Promise<number> {
  const response = await server.admin.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'terminal',
    cols: 80,
    rows: 24,
  });
  if (response.status !== 201) return response.status;
  const { relay } = response.json(CreateSessionResponse);
  const socket = await opened(server.admin.websocket(`${relay.path}?token=${relay.token}`));
  try {
    await probeEcho(socket);
  } finally {
    await closed(socket);
  }
  return 201;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // no such process: it died
  }
};

/**
 * Scenario (j): the server on a private PostgreSQL with a fleet of agents heartbeating, and
 * technicians signing in and opening sessions in a loop; PostgreSQL is stopped (fast shutdown,
 * every connection cut) for `outageSec`, then started again. Counts what the requests got
 * meanwhile, samples the server's RSS, and times the recovery.
 */
export async function measureDatabaseOutage(
  cleanup: Cleanup,
  options: { outageSec: number; agents: number },
): Promise<DatabaseOutageResult> {
  const dir = await cleanup.tempDir('outage');
  const postgres = await startPostgres();
  cleanup.defer('PostgreSQL', () => postgres.stop());
  const server = await startServerProcess({
    dataDir: join(dir, 'server'),
    cleanup,
    extraArgs: ['--database', postgres.url],
  });
  const log = benchLogger();
  const device = await enrolledEchoDevice(server, { dataDir: join(dir, 'echo'), log, cleanup });
  const { token } = await server.createInstaller({ maxInstalls: options.agents });
  const fleet = startFleet({
    size: options.agents,
    workers: 2,
    serverUrl: server.url,
    dir,
    cleanup,
  });
  cleanup.defer('fleet', () => fleet.stop());
  await fleet.enroll(token);
  await fleet.start();

  let phase: Phase = 'before';
  /** Read through a function: the phase changes while a request is awaited. */
  const currentPhase = (): Phase => phase;
  const duringOutage = {
    signIns: {} as Record<string, number>,
    sessions: {} as Record<string, number>,
  };
  const count = (tally: Record<string, number>, status: string): void => {
    tally[status] = (tally[status] ?? 0) + 1;
  };
  /** Runs `request` in a loop; tallies answers of requests that began and ended in the outage. */
  const loop = async (
    tally: Record<string, number>,
    request: () => Promise<number>,
    isRunning: () => boolean,
  ): Promise<void> => {
    while (isRunning()) {
      const startedIn = phase;
      const status = await request().then(String, (error: unknown) =>
        error instanceof Error ? error.message.slice(0, 60) : 'error',
      );
      if (startedIn === 'outage' && currentPhase() === 'outage') count(tally, status);
      await sleep(100);
    }
  };
  const signIn = (): Promise<number> =>
    new HttpsClient(server.url, server.ca)
      .request('POST', '/api/v1/auth/login', { username: 'admin', password: server.adminPassword })
      .then((response) => response.status);
  let running = true;
  const isRunning = (): boolean => running;
  const load = Promise.all(
    Array.from({ length: LOAD_LOOPS }, (_, index) =>
      index % 2 === 0
        ? loop(duringOutage.signIns, signIn, isRunning)
        : loop(
            duringOutage.sessions,
            () => oneSession(server, device.deviceId),
            () => running,
          ),
    ),
  );
  const rss: Record<Phase, number[]> = { before: [], outage: [], between: [], after: [] };
  const sampler = (async () => {
    while (isRunning()) {
      rss[phase].push(await readRssKib(server.pid()).catch(() => 0));
      await sleep(1000);
    }
  })();

  try {
    await sleep(10_000);
    await postgres.halt();
    phase = 'outage';
    await sleep(options.outageSec * 1000);
    phase = 'between';
    await postgres.resume();
    phase = 'after';
    const resumedAt = performance.now();
    let recoveryMs: number | null = null;
    while (performance.now() - resumedAt < 60_000) {
      const [login, session] = await Promise.all([
        signIn().catch(() => 0),
        oneSession(server, device.deviceId).catch(() => 0),
      ]);
      if (login === 200 && session === 201) {
        recoveryMs = Math.round(performance.now() - resumedAt);
        break;
      }
      await sleep(200);
    }
    await sleep(5000);
    if (!isAlive(server.pid()))
      throw new Error(`the server died during the outage:\n${server.output().slice(-3000)}`);
    const agentsOnlineAfter = await server.devicesOnline();
    const all = [duringOutage.signIns, duringOutage.sessions];
    const allowedDuringOutage = all.reduce(
      (sum, tally) => sum + (tally['200'] ?? 0) + (tally['201'] ?? 0),
      0,
    );
    const otherThan503 = all.reduce(
      (sum, tally) =>
        sum + Object.entries(tally).reduce((n, [status, c]) => (status === '503' ? n : n + c), 0),
      0,
    );
    const serverSurvived = isAlive(server.pid());
    const peak = Math.max(...rss.outage);
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    return {
      outageSec: options.outageSec,
      agents: options.agents,
      duringOutage,
      allowedDuringOutage,
      otherThan503,
      serverSurvived,
      rssKib: { before: median(rss.before), peakDuringOutage: peak, after: median(rss.after) },
      recoveryMs,
      // The echo device is one of them.
      agentsOnlineAfter,
      passed:
        allowedDuringOutage === 0 &&
        otherThan503 === 0 &&
        serverSurvived &&
        recoveryMs !== null &&
        recoveryMs <= RECOVERY_LIMIT_MS &&
        agentsOnlineAfter === options.agents + 1,
    };
  } finally {
    running = false;
    await Promise.all([load, sampler]);
  }
}

/** Table rows of scenario (j). */
export function databaseOutageRows(
  result: DatabaseOutageResult,
): [string, string, string, string, string][] {
  const tally = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .map(([status, n]) => `${n}×${status}`)
      .join(', ') || 'none';
  const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
  const { before, peakDuringOutage, after } = result.rssKib;
  return [
    [
      'j',
      `PostgreSQL stopped ${result.outageSec} s: sign-ins`,
      tally(result.duringOutage.signIns),
      'all 503',
      result.allowedDuringOutage === 0 && result.otherThan503 === 0 ? 'PASS' : 'FAIL',
    ],
    ['j', 'sessions asked meanwhile', tally(result.duringOutage.sessions), 'all 503', ''],
    ['j', 'server still running', String(result.serverSurvived), 'true', ''],
    [
      'j',
      'server RSS before / peak in outage / after',
      `${mib(before)} / ${mib(peakDuringOutage)} / ${mib(after)}`,
      '',
      '',
    ],
    [
      'j',
      'database back → sign-in and session work',
      result.recoveryMs === null ? 'not within 60 s' : `${result.recoveryMs} ms`,
      `≤ ${RECOVERY_LIMIT_MS} ms`,
      result.passed ? 'PASS' : 'FAIL',
    ],
    [
      'j',
      `agents online after (of ${result.agents} + echo device)`,
      String(result.agentsOnlineAfter),
      '',
      '',
    ],
  ];
}
