import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateSessionResponse } from '@tether/protocol';
import type { Cleanup } from '../lib/cleanup.js';
import { benchLogger } from '../lib/logger.js';
import { closed, opened } from '../lib/open-socket.js';
import { readRssKib } from '../lib/proc-stats.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { probeEcho } from './binary-echo.js';
import { enrolledEchoDevice } from './echo-device.js';
import { startFleet } from './fleet.js';

/** One reading of the server during the soak. */
interface SoakSample {
  minute: number;
  rssKib: number;
  heapKib: number;
  /** Memory V8 tracks outside its heap (Buffers, ArrayBuffers): where socket data lives. */
  externalKib: number;
  /**
   * The same two right after a forced full collection: what is still referenced. Between
   * collections the readings above climb with garbage (V8 lets its heap grow before a full
   * collection), so only these tell a leak.
   */
  retainedHeapKib: number;
  retainedExternalKib: number;
  fds: number;
  /** p99 of the event loop's delay, from the server's own /metrics (ms). */
  loopLagMs: number;
}

/**
 * A metric's trend after the warm-up: least-squares slope, and whether it counts as flat. Only
 * growth counts against it: a soak looks for leaks and degradation, and a metric that falls
 * (a lag that eases when other load on the machine does) is not one.
 */
export interface Trend {
  mean: number;
  /** Change per 10 minutes, in the metric's unit. */
  slopePer10Min: number;
  isFlat: boolean;
}

/** Result of scenario (k). */
export interface SoakResult {
  minutes: number;
  agents: number;
  sessions: number;
  sessionFailures: number;
  reconnects: number;
  warmUpMin: number;
  trends: Record<keyof Omit<SoakSample, 'minute'>, Trend>;
  samples: SoakSample[];
  passed: boolean;
}

const SESSION_EVERY_MS = 3000;
const CHURN_EVERY_MS = 10_000;
/** Share of the fleet that reconnects at each churn. */
const CHURN_SHARE = 0.02;
const SAMPLE_EVERY_MS = 15_000;
/** Flat: the trend moves the metric by at most this share of its mean per 10 minutes. */
const FLAT_SHARE_PER_10_MIN = 0.05;

/**
 * Least-squares slope of `values` over `minutes`, per 10 minutes; flat when it raises the mean
 * by at most {@link FLAT_SHARE_PER_10_MIN} (or by 1 unit, for small counts like descriptors).
 *
 * @example
 * trend([0, 1, 2], [100, 100, 100]).isFlat // true
 */
export function trend(minutes: number[], values: number[]): Trend {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, n);
  const meanMinute = minutes.reduce((sum, value) => sum + value, 0) / Math.max(1, n);
  let covariance = 0;
  let variance = 0;
  for (let index = 0; index < n; index++) {
    const dx = (minutes[index] ?? 0) - meanMinute;
    covariance += dx * ((values[index] ?? 0) - mean);
    variance += dx * dx;
  }
  const slopePer10Min = variance === 0 ? 0 : (covariance / variance) * 10;
  const allowed = Math.max(1, Math.abs(mean) * FLAT_SHARE_PER_10_MIN);
  const round = (value: number): number => Math.round(value * 100) / 100;
  return {
    mean: round(mean),
    slopePer10Min: round(slopePer10Min),
    isFlat: slopePer10Min <= allowed,
  };
}

async function sample(server: ServerProcess, minute: number): Promise<SoakSample> {
  const read = async (): Promise<(name: string) => number> => {
    const metrics = (await server.adminClient.request('GET', '/metrics')).text;
    return (name) =>
      Number(new RegExp(`^${name}\\s+([0-9.e+-]+)`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  };
  const value = await read();
  const rssKib = await readRssKib(server.pid());
  // The lag is read first: the scrape after the collection starts its next window, so the
  // forced pause is in no reading.
  await server.collectGarbage();
  const retained = await read();
  return {
    retainedHeapKib: Math.round(retained('tether_nodejs_heap_size_used_bytes') / 1024),
    retainedExternalKib: Math.round(retained('tether_nodejs_external_memory_bytes') / 1024),
    minute: Math.round(minute * 100) / 100,
    rssKib,
    heapKib: Math.round(value('tether_nodejs_heap_size_used_bytes') / 1024),
    externalKib: Math.round(value('tether_nodejs_external_memory_bytes') / 1024),
    fds: (await readdir(`/proc/${server.pid()}/fd`)).length,
    loopLagMs: Math.round(value('tether_nodejs_eventloop_lag_p99_seconds') * 1e5) / 100,
  };
}

/**
 * Scenario (k): `agents` heartbeating (the fleet workers of (b)), a technician session on an
 * echo device every 3 s, and 2 % of the fleet reconnecting every 10 s, for `minutes`; the
 * server's RSS, heap, descriptors and event-loop lag are read every 15 s, and their trend after
 * the first fifth of the run (the warm-up) is fitted.
 */
export async function measureSoak(
  cleanup: Cleanup,
  options: { minutes: number; agents: number; workers: number },
): Promise<SoakResult> {
  const dir = await cleanup.tempDir('soak');
  const log = benchLogger();
  const server = await startServerProcess({
    dataDir: join(dir, 'server'),
    cleanup,
    forcedGc: true,
  });
  const device = await enrolledEchoDevice(server, { dataDir: join(dir, 'echo'), log, cleanup });
  const { token } = await server.createInstaller({ maxInstalls: options.agents });
  const fleet = startFleet({
    size: options.agents,
    workers: options.workers,
    serverUrl: server.url,
    dir,
    cleanup,
  });
  cleanup.defer('fleet', () => fleet.stop());
  await fleet.enroll(token);
  await fleet.start();

  const startedAt = performance.now();
  const elapsedMin = (): number => (performance.now() - startedAt) / 60_000;
  const samples: SoakSample[] = [];
  let sessions = 0;
  let sessionFailures = 0;
  let reconnects = 0;
  let nextSession = 0;
  let nextChurn = CHURN_EVERY_MS;
  let nextSample = 0;
  while (elapsedMin() < options.minutes) {
    const now = performance.now() - startedAt;
    if (now >= nextSample) {
      samples.push(await sample(server, elapsedMin()));
      nextSample += SAMPLE_EVERY_MS;
    }
    if (now >= nextChurn) {
      const count = Math.max(1, Math.round(options.agents * CHURN_SHARE));
      await fleet.churn(count);
      reconnects += count;
      nextChurn += CHURN_EVERY_MS;
    }
    if (now >= nextSession) {
      sessions++;
      await oneSession(server, device.deviceId).catch(() => sessionFailures++);
      nextSession += SESSION_EVERY_MS;
    }
    await sleep(250);
  }
  const warmUpMin = options.minutes / 5;
  const steady = samples.filter((entry) => entry.minute >= warmUpMin);
  const fit = (key: keyof Omit<SoakSample, 'minute'>): Trend =>
    trend(
      steady.map((entry) => entry.minute),
      steady.map((entry) => entry[key]),
    );
  const trends = {
    rssKib: fit('rssKib'),
    heapKib: fit('heapKib'),
    externalKib: fit('externalKib'),
    retainedHeapKib: fit('retainedHeapKib'),
    retainedExternalKib: fit('retainedExternalKib'),
    fds: fit('fds'),
    loopLagMs: fit('loopLagMs'),
  };
  /** What must stay flat: memory still referenced, not the garbage between collections. */
  const judged = ['rssKib', 'retainedHeapKib', 'retainedExternalKib', 'fds', 'loopLagMs'] as const;
  return {
    minutes: options.minutes,
    agents: options.agents,
    sessions,
    sessionFailures,
    reconnects,
    warmUpMin,
    trends,
    samples,
    passed: judged.every((key) => trends[key].isFlat) && sessionFailures === 0,
  };
}

async function oneSession(server: ServerProcess, deviceId: string): Promise<void> {
  const response = await server.admin.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'terminal',
    cols: 80,
    rows: 24,
  });
  if (response.status !== 201) throw new Error(`session: ${response.status}`);
  const { relay } = response.json(CreateSessionResponse);
  const socket = await opened(server.admin.websocket(`${relay.path}?token=${relay.token}`));
  try {
    await probeEcho(socket);
  } finally {
    await closed(socket);
  }
}

/** Table rows of scenario (k). */
export function soakRows(result: SoakResult): [string, string, string, string, string][] {
  const row = (
    label: string,
    entry: Trend,
    unit: string,
    isJudged = true,
  ): [string, string, string, string, string] => [
    'k',
    `${label} after ${result.warmUpMin} min warm-up: mean, slope / 10 min`,
    `${entry.mean} ${unit}, ${entry.slopePer10Min >= 0 ? '+' : ''}${entry.slopePer10Min} ${unit}`,
    isJudged ? 'flat' : '',
    isJudged ? (entry.isFlat ? 'PASS' : 'FAIL') : '',
  ];
  return [
    [
      'k',
      `soak ${result.minutes} min, ${result.agents} agents: sessions (failed) / reconnects`,
      `${result.sessions} (${result.sessionFailures}) / ${result.reconnects}`,
      '0 failed',
      result.sessionFailures === 0 ? 'PASS' : 'FAIL',
    ],
    row('server RSS', result.trends.rssKib, 'KiB'),
    row('V8 heap used', result.trends.heapKib, 'KiB', false),
    row('external memory (Buffers)', result.trends.externalKib, 'KiB', false),
    row('V8 heap after a forced full GC', result.trends.retainedHeapKib, 'KiB'),
    row('external memory after a forced full GC', result.trends.retainedExternalKib, 'KiB'),
    row('open descriptors', result.trends.fds, ''),
    row('event-loop lag p99', result.trends.loopLagMs, 'ms'),
  ];
}
