import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateSessionResponse } from '@tether/protocol';
import type { RawData, WebSocket } from 'ws';
import { HttpsClient } from '../../test/support/https-client.js';
import { connectRelay } from '../lib/agent-transport.js';
import type { Cleanup } from '../lib/cleanup.js';
import { certificateFingerprint } from '../lib/fingerprint.js';
import { benchLogger } from '../lib/logger.js';
import { closed, opened } from '../lib/open-socket.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { summarize, type Summary } from '../lib/summary.js';
import { startBarePipe } from './bare-pipe.js';
import { echoFrame } from './binary-echo.js';
import { enrolledEchoDevice } from './echo-device.js';

/** Result of scenario (h): many desktop-like streams at once, relay against a bare pipe. */
export interface DesktopLoadResult {
  sessions: number;
  /** Bytes per second each session sends, and gets back from the device. */
  bytesPerSecondEach: number;
  messageBytes: number;
  seconds: number;
  /** Round trips (console → device → console) in ms, through the Tether relay. */
  relay: Summary;
  /** The same load through the bare ws pipe, in the same run. */
  bare: Summary;
  /** relay p99 − bare p99 (and p50): what the relay adds under this load. */
  addedP99Ms: number;
  addedP50Ms: number;
  target: { maxAddedP99Ms: number };
  passed: boolean;
}

/** A screen update every 50 ms: 20 updates a second, like a busy remote desktop. */
const INTERVAL_MS = 50;
const WARM_UP_MS = 1000;

interface Load {
  sessions: number;
  bytesPerSecond: number;
  seconds: number;
}

/**
 * Scenario (h): `sessions` technician sockets each send `bytesPerSecond` in timestamped
 * messages every 50 ms and the device echoes them, so every session carries that rate both ways
 * at once; the round trip of each message is recorded after a warm-up. Run through Tether
 * sessions (server in its own process, the agent's relay client on the device side) and through
 * a bare ws pipe with the same certificate (its own process too), from the same process, in
 * alternating halves of `seconds`. Both sets of sockets stay open throughout.
 *
 * @example
 * const result = await measureDesktopLoad(cleanup, { sessions: 200, bytesPerSecond: 200_000, seconds: 10 });
 */
export async function measureDesktopLoad(cleanup: Cleanup, load: Load): Promise<DesktopLoadResult> {
  const dir = await cleanup.tempDir('desktop-load');
  const log = benchLogger();
  const server = await startServerProcess({ dataDir: join(dir, 'server'), cleanup });
  const device = await enrolledEchoDevice(server, { dataDir: join(dir, 'device'), log, cleanup });
  const keys = join(server.dataDir, 'keys');
  const bare = await startBarePipe({
    certFile: join(keys, 'tls-self-signed.crt'),
    keyFile: join(keys, 'tls-self-signed.key'),
    cleanup,
  });
  const messageBytes = Math.round((load.bytesPerSecond * INTERVAL_MS) / 1000);

  const relaySockets = await openMany(load.sessions, () => relaySession(server, device.deviceId));
  const fingerprint = certificateFingerprint(server.ca);
  const barePairs = await openMany(load.sessions, (index) =>
    barePair({ baseUrl: bare.url, ca: server.ca, fingerprint, path: `/desktop/${index}` }),
  );
  const bareSockets = barePairs.map((pair) => pair.technician);
  // Alternating halves, so that whatever else the machine does weighs on both paths alike.
  const half = { ...load, messageBytes, seconds: load.seconds / 2 };
  const relayTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let round = 0; round < 2; round++) {
    relayTimes.push(...(await drive(relaySockets, half)));
    bareTimes.push(...(await drive(bareSockets, half)));
  }
  await Promise.all([
    ...relaySockets.map((socket) => closed(socket)),
    ...barePairs.flatMap((pair) => [closed(pair.technician), closed(pair.device)]),
  ]);

  const relay = summarize(relayTimes);
  const bareSummary = summarize(bareTimes);
  const addedP99Ms = Math.round((relay.p99 - bareSummary.p99) * 100) / 100;
  const target = { maxAddedP99Ms: 10 };
  return {
    sessions: load.sessions,
    bytesPerSecondEach: load.bytesPerSecond,
    messageBytes,
    seconds: load.seconds,
    relay,
    bare: bareSummary,
    addedP99Ms,
    addedP50Ms: Math.round((relay.p50 - bareSummary.p50) * 100) / 100,
    target,
    passed: addedP99Ms <= target.maxAddedP99Ms,
  };
}

/** Opens `count` of something, a few at a time (200 TLS handshakes at once starve the rest). */
async function openMany<T>(count: number, open: (index: number) => Promise<T>): Promise<T[]> {
  const opened: T[] = [];
  for (let start = 0; start < count; start += 20) {
    const batch = Array.from({ length: Math.min(20, count - start) }, (_, i) => open(start + i));
    opened.push(...(await Promise.all(batch)));
  }
  return opened;
}

async function relaySession(server: ServerProcess, deviceId: string): Promise<WebSocket> {
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

async function barePair(options: {
  baseUrl: string;
  ca: string;
  fingerprint: string;
  path: string;
}): Promise<{ technician: WebSocket; device: WebSocket }> {
  const technician = opened(new HttpsClient(options.baseUrl, options.ca).websocket(options.path));
  const device = await connectRelay(new URL(options.path, options.baseUrl), {
    expectedFingerprint: options.fingerprint,
  });
  device.on('message', (data, isBinary) => device.send(data, { binary: isBinary }));
  return { technician: await technician, device };
}

/**
 * Sends every socket a message each 50 ms (staggered across the interval) for the warm-up plus
 * `seconds`, and returns the round trips of the messages sent after the warm-up.
 */
function drive(sockets: WebSocket[], load: Load & { messageBytes: number }): Promise<number[]> {
  const samples: number[] = [];
  const startedAt = performance.now();
  const measureFrom = startedAt + WARM_UP_MS;
  const stopAt = measureFrom + load.seconds * 1000;
  const timers: NodeJS.Timeout[] = [];
  const onEcho = (data: RawData): void => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const sentAt = bytes.readDoubleBE(1);
    if (sentAt >= measureFrom) samples.push(performance.now() - sentAt);
  };
  sockets.forEach((socket, index) => {
    socket.on('message', onEcho);
    const send = (): void => {
      const message = echoFrame('opaque', load.messageBytes);
      message.writeDoubleBE(performance.now(), 1);
      socket.send(message);
    };
    const offset = (index * INTERVAL_MS) / sockets.length;
    timers.push(
      setTimeout(() => {
        send();
        timers.push(setInterval(send, INTERVAL_MS));
      }, offset),
    );
  });
  return new Promise((resolve) => {
    setTimeout(() => {
      for (const timer of timers) clearTimeout(timer);
      // Let the last messages come back before the sockets close.
      setTimeout(() => {
        for (const socket of sockets) socket.off('message', onEcho);
        resolve(samples);
      }, 500);
    }, stopAt - startedAt);
  });
}

/**
 * The scenario's rows of the results table.
 *
 * @example
 * rows.push(...desktopLoadRows(result));
 */
export function desktopLoadRows(
  result: DesktopLoadResult,
): [string, string, string, string, string][] {
  const load = `${result.sessions} sessions × ${Math.round(result.bytesPerSecondEach / 1000)} KB/s`;
  return [
    [
      'h',
      `${load}: round trip through the relay, p50 / p99`,
      `${result.relay.p50} / ${result.relay.p99} ms`,
      '',
      '',
    ],
    [
      'h',
      `${load}: round trip through a bare pipe, p50 / p99`,
      `${result.bare.p50} / ${result.bare.p99} ms`,
      '',
      '',
    ],
    [
      'h',
      `${load}: latency the relay adds, p99`,
      `${result.addedP99Ms} ms`,
      `≤ ${result.target.maxAddedP99Ms} ms`,
      result.passed ? 'PASS' : 'FAIL',
    ],
  ];
}
