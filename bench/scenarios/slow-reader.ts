import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { enrollAgent } from '@tether/agent';
import { CreateSessionResponse } from '@tether/protocol';
import type { WebSocket } from 'ws';
import type { Cleanup } from '../lib/cleanup.js';
import { benchLogger } from '../lib/logger.js';
import { closed, opened } from '../lib/open-socket.js';
import { readRssKib } from '../lib/proc-stats.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { summarize, type Summary } from '../lib/summary.js';
import { echoFrame } from './binary-echo.js';
import { startEchoDevice } from './echo-device.js';

/** Result of scenario (l). */
export interface SlowReaderResult {
  readerKBps: number;
  deviceMBps: number;
  seconds: number;
  /** What the device managed to send (the relay holds it back once the reader lags). */
  deviceSentBytes: number;
  readerReadBytes: number;
  /** Sent but not read when the run ended: in the server and in the kernel's socket buffers. */
  inFlightBytes: number;
  serverRssKib: { before: number; peak: number; growth: number };
  /** Round trip of 100-byte messages on another session, without and with the slow reader. */
  otherSessionMs: { alone: Summary; duringBurst: Summary; withSlowReader: Summary };
  passed: boolean;
}

const MESSAGE_BYTES = 64 * 1024;
/** The device stops writing while this much waits in its own socket (what a real agent does). */
const DEVICE_HIGH_WATER = 1024 * 1024;
const PROBE_EVERY_MS = 20;
const SETTLE_MS = 3000;
/** Targets: RSS may grow by the relay's bounded buffers, not by what the device sends. */
const MAX_RSS_GROWTH_KIB = 64 * 1024;
const MAX_ADDED_P99_MS = 10;

async function joinSession(server: ServerProcess, deviceId: string): Promise<WebSocket> {
  const response = await server.admin.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'terminal',
    cols: 80,
    rows: 24,
  });
  if (response.status !== 201)
    throw new Error(`session request failed: ${response.status} ${response.text}`);
  const { relay } = response.json(CreateSessionResponse);
  return opened(server.admin.websocket(`${relay.path}?token=${relay.token}`));
}

/** Round trips of small messages on an echo session for `ms`. */
async function probeRoundTrips(socket: WebSocket, ms: number): Promise<number[]> {
  const samples: number[] = [];
  const endAt = performance.now() + ms;
  while (performance.now() < endAt) {
    const sentAt = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no echo within 10 s')), 10_000);
      socket.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.send(echoFrame('opaque', 100));
    });
    samples.push(performance.now() - sentAt);
    await sleep(PROBE_EVERY_MS);
  }
  return samples;
}

/**
 * Reads from `socket` at `bytesPerSecond` at most: the socket is paused whenever the reader
 * is ahead of its budget, as a technician on a slow link is (TCP stops the server's writes).
 */
function readSlowly(
  socket: WebSocket,
  bytesPerSecond: number,
): { readBytes(): number; stop(): void } {
  let read = 0;
  let budget = 0;
  let last = performance.now();
  socket.on('message', (data: Buffer) => {
    read += data.byteLength;
    budget -= data.byteLength;
    if (budget < 0) socket.pause();
  });
  const timer = setInterval(() => {
    const now = performance.now();
    budget = Math.min(budget + ((now - last) / 1000) * bytesPerSecond, bytesPerSecond);
    last = now;
    if (budget >= 0) socket.resume();
  }, 50);
  return { readBytes: () => read, stop: () => clearInterval(timer) };
}

/**
 * Scenario (l): a device sends `deviceMBps` through a relay session whose technician reads at
 * `readerKBps`. The server must hold the device back (its buffers bounded, so its RSS flat)
 * while another session's round trip stays what it is without the slow reader.
 */
export async function measureSlowReader(
  cleanup: Cleanup,
  options: { readerKBps: number; deviceMBps: number; seconds: number },
): Promise<SlowReaderResult> {
  const dir = await cleanup.tempDir('slow-reader');
  const log = benchLogger();
  const server = await startServerProcess({ dataDir: join(dir, 'server'), cleanup });
  for (const name of ['echo', 'flood']) {
    const { token } = await server.createInstaller({});
    await enrollAgent({ serverUrl: server.url, token, dataDir: join(dir, name), log });
  }
  const echo = await startEchoDevice({ dataDir: join(dir, 'echo'), log });
  cleanup.defer('echo device', () => echo.close());
  let sent = 0;
  let flooding = true;
  const flood = await startEchoDevice({
    dataDir: join(dir, 'flood'),
    log,
    serve(socket) {
      const message = echoFrame('opaque', MESSAGE_BYTES);
      const perTick = (options.deviceMBps * 1e6) / 100;
      let owed = 0;
      const timer = setInterval(() => {
        if (!flooding) return clearInterval(timer);
        owed = Math.min(owed + perTick, 4 * perTick);
        while (owed >= MESSAGE_BYTES && socket.bufferedAmount < DEVICE_HIGH_WATER) {
          socket.send(message);
          sent += MESSAGE_BYTES;
          owed -= MESSAGE_BYTES;
        }
      }, 10);
      socket.on('close', () => clearInterval(timer));
    },
  });
  cleanup.defer('flood device', () => flood.close());

  const other = await joinSession(server, echo.deviceId);
  await probeRoundTrips(other, 2000); // warm-up
  const alone = await probeRoundTrips(other, options.seconds * 500);
  const before = await readRssKib(server.pid());
  const technician = await joinSession(server, flood.deviceId);
  const reader = readSlowly(technician, options.readerKBps * 1000);
  let peak = before;
  const sampling = new AbortController();
  const sampler = (async () => {
    while (!sampling.signal.aborted) {
      peak = Math.max(peak, await readRssKib(server.pid()));
      await sleep(500);
    }
  })();
  const startedAt = performance.now();
  try {
    // The first seconds are the device's burst until the buffers on the way are full and the
    // relay holds it; what is measured is the steady state a technician would live with.
    const burst = await probeRoundTrips(other, SETTLE_MS);
    const withSlowReader = await probeRoundTrips(other, options.seconds * 1000);
    const seconds = (performance.now() - startedAt) / 1000;
    const result = {
      readerKBps: options.readerKBps,
      deviceMBps: options.deviceMBps,
      seconds: Math.round(seconds),
      deviceSentBytes: sent,
      readerReadBytes: reader.readBytes(),
      inFlightBytes: sent - reader.readBytes(),
      serverRssKib: { before, peak, growth: peak - before },
      otherSessionMs: {
        alone: summarize(alone),
        duringBurst: summarize(burst),
        withSlowReader: summarize(withSlowReader),
      },
    };
    return {
      ...result,
      passed:
        result.serverRssKib.growth <= MAX_RSS_GROWTH_KIB &&
        result.otherSessionMs.withSlowReader.p99 - result.otherSessionMs.alone.p99 <=
          MAX_ADDED_P99_MS,
    };
  } finally {
    sampling.abort();
    flooding = false;
    reader.stop();
    await sampler;
    technician.terminate();
    await closed(other);
  }
}

/** Table rows of scenario (l). */
export function slowReaderRows(
  result: SlowReaderResult,
): [string, string, string, string, string][] {
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
  const { alone, withSlowReader } = result.otherSessionMs;
  return [
    [
      'l',
      `device at ${result.deviceMBps} MB/s, reader at ${result.readerKBps} KB/s, ${result.seconds} s: sent / read`,
      `${mb(result.deviceSentBytes)} / ${mb(result.readerReadBytes)}`,
      '',
      '',
    ],
    [
      'l',
      'server RSS growth meanwhile',
      `${(result.serverRssKib.growth / 1024).toFixed(1)} MiB`,
      `≤ ${MAX_RSS_GROWTH_KIB / 1024} MiB`,
      result.serverRssKib.growth <= MAX_RSS_GROWTH_KIB ? 'PASS' : 'FAIL',
    ],
    [
      'l',
      'other session round trip: alone → with the slow reader',
      `p50 ${alone.p50} → ${withSlowReader.p50} / p99 ${alone.p99} → ${withSlowReader.p99} ms`,
      `p99 + ≤ ${MAX_ADDED_P99_MS} ms`,
      withSlowReader.p99 - alone.p99 <= MAX_ADDED_P99_MS ? 'PASS' : 'FAIL',
    ],
    [
      'l',
      `other session in the device's first ${SETTLE_MS / 1000} s (buffers filling)`,
      `p50 ${result.otherSessionMs.duringBurst.p50} / p99 ${result.otherSessionMs.duringBurst.p99} ms`,
      '',
      '',
    ],
  ];
}
