import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { enrollAgent } from '@tether/agent';
import { CreateSessionResponse, TETHER_VERSION, encodeTerminalFrame } from '@tether/protocol';
import type { Cluster } from '@tether/server';
import type { WebSocket } from 'ws';
import { startPostgres } from '../packages/server/test/support/postgres.js';
import { createTestServer, type TestServer } from '../test/support/test-server.js';
import type { Cleanup } from './lib/cleanup.js';
import { benchLogger } from './lib/logger.js';
import { natsBus, startNatsServer } from './lib/nats.js';
import { closed, opened } from './lib/open-socket.js';
import { median, summarize, type Summary } from './lib/summary.js';
import { probeEcho, pumpEcho } from './scenarios/binary-echo.js';
import { startEchoDevice } from './scenarios/echo-device.js';

/** The three ways a technician's relay end reaches the device's session. */
const PATHS = ['singleNode', 'crossNodeDirect', 'crossNodeNats'] as const;
type RelayPath = (typeof PATHS)[number];

/** Result of scenario (p): the relay across nodes against one node, in the same run. */
export interface ClusterRelayResult {
  keystrokes: number;
  /** A 1-byte terminal DATA frame to the echo device and back (recorded on the relay node). */
  keystrokeMs: Record<RelayPath, Summary>;
  bytesEachWay: number;
  /** Binary echo of 64 KiB messages, both directions counted (MB = 10^6 bytes), medians. */
  throughputMBps: Record<RelayPath, number>;
  runs: Record<RelayPath, number[]>;
  /** Cross-node ÷ single node: the median of each round's own ratio. */
  throughputRatio: { direct: number; nats: number };
  target: { maxKeystrokeP99Ms: number; minThroughputRatio: number };
  passed: { direct: boolean; nats: boolean };
  /** Which bridge the figures favour (the default of `cluster.relayBridge`). */
  faster: 'direct' | 'bus';
}

const MESSAGE_BYTES = 64 * 1024;
const WINDOW_BYTES = 4 * 1024 * 1024;
const BLOCK = 25;

/**
 * Three in-process nodes on one private PostgreSQL and one private nats-server (the bus of
 * all three): A holds the echo device and relays every session; B bridges ends to A over a
 * direct node-to-node WebSocket, C over NATS. Every technician end is a real WSS client; the
 * device is the agent's own control channel and relay client, echoing. Paths are measured in
 * alternating blocks, so the machine's load weighs on each alike. Everything runs in this one
 * process (nodes, device, clients): figures compare paths, not absolute capacity.
 */
export async function measureClusterRelay(
  cleanup: Cleanup,
  options: { keystrokes: number; bytesEachWay: number; rounds: number },
): Promise<ClusterRelayResult> {
  const dir = await cleanup.tempDir('cluster-relay');
  const log = benchLogger();
  const postgres = await startPostgres();
  cleanup.defer('postgres', () => postgres.stop());
  const natsUrl = await startNatsServer(cleanup);
  const urls = new Map<string, () => string>();
  const joinAs =
    (nodeId: string) =>
    async (deps: { url: () => string }): Promise<Cluster> => {
      urls.set(nodeId, deps.url);
      const bus = await natsBus(natsUrl, nodeId);
      return {
        nodeId,
        isClustered: true,
        bus,
        nodes: () => Promise.resolve([]),
        nodeUrl: (id) => Promise.resolve(urls.get(id)?.()),
        onReconnected: () => () => undefined,
        close: async () => {
          urls.delete(nodeId);
          await bus.close();
        },
      };
    };
  const start = async (
    nodeId: string,
    relayBridge: 'direct' | 'bus',
    keysFrom?: string,
  ): Promise<TestServer> => {
    const server = await createTestServer({
      config: { database: postgres.url, cluster: { nats: natsUrl, relayBridge } },
      joinCluster: joinAs(nodeId),
      ...(keysFrom ? { keysFrom } : {}),
    });
    cleanup.defer(nodeId, () => server.close());
    return server;
  };
  const a = await start('node-a', 'direct');
  const b = await start('node-b', 'direct', a.dataDir);
  const c = await start('node-c', 'bus', a.dataDir);

  const deviceDir = join(dir, 'device');
  const { token } = await a.createInstaller();
  await enrollAgent({ serverUrl: a.url, token, dataDir: deviceDir, log });
  const device = await startEchoDevice({ dataDir: deviceDir, log });
  cleanup.defer('echo device', () => device.close());

  const technicianNode: Record<RelayPath, TestServer> = {
    singleNode: a,
    crossNodeDirect: b,
    crossNodeNats: c,
  };
  const open = async (path: RelayPath): Promise<WebSocket> => {
    const response = await a.admin.request('POST', '/api/v1/sessions', {
      deviceId: device.deviceId,
      kind: 'terminal',
      cols: 80,
      rows: 24,
    });
    if (response.status !== 201) throw new Error(`session request failed: ${response.text}`);
    const { relay } = response.json(CreateSessionResponse);
    const node = technicianNode[path];
    const socket = await opened(node.admin.websocket(`${relay.path}?token=${relay.token}`));
    await probeEcho(socket);
    return socket;
  };

  // Keystrokes: one session per path, interleaved blocks.
  const sockets = Object.fromEntries(
    await Promise.all(PATHS.map(async (path) => [path, await open(path)] as const)),
  ) as Record<RelayPath, WebSocket>;
  const samples = Object.fromEntries(PATHS.map((path) => [path, [] as number[]])) as Record<
    RelayPath,
    number[]
  >;
  for (let done = 0; done < options.keystrokes; done += BLOCK)
    for (const path of PATHS)
      for (let index = done; index < Math.min(options.keystrokes, done + BLOCK); index++)
        samples[path].push(await roundTrip(sockets[path], index));
  await Promise.all(PATHS.map((path) => closed(sockets[path])));

  // Throughput: a fresh session per transfer, paths alternating; the first round warms up.
  const runs = Object.fromEntries(PATHS.map((path) => [path, [] as number[]])) as Record<
    RelayPath,
    number[]
  >;
  for (let round = 0; round <= options.rounds; round++)
    for (const path of PATHS) {
      const socket = await open(path);
      const transfer = await pumpEcho(socket, {
        totalBytes: round === 0 ? 8 * 2 ** 20 : options.bytesEachWay,
        messageBytes: MESSAGE_BYTES,
        windowBytes: WINDOW_BYTES,
        frameKind: 'opaque',
      });
      await closed(socket);
      if (transfer.interruptedBy)
        throw new Error(`${path} transfer was interrupted: ${transfer.interruptedBy}`);
      if (round > 0)
        runs[path].push((transfer.bytesSent + transfer.bytesReceived) / 1e6 / transfer.seconds);
    }

  const keystrokeMs = Object.fromEntries(
    PATHS.map((path) => [path, summarize(samples[path])]),
  ) as Record<RelayPath, Summary>;
  const throughputMBps = Object.fromEntries(
    PATHS.map((path) => [path, round1(median(runs[path]))]),
  ) as Record<RelayPath, number>;
  // The median of each round's own ratio: a round's three transfers run seconds apart, so the
  // ratio moves least with the machine's load (as in scenario f).
  const ratio = (path: RelayPath): number =>
    Math.round(
      median(runs[path].map((mbps, round) => mbps / (runs.singleNode[round] ?? mbps))) * 1000,
    ) / 1000;
  const target = { maxKeystrokeP99Ms: 10, minThroughputRatio: 0.5 };
  const passes = (path: RelayPath): boolean =>
    keystrokeMs[path].p99 <= target.maxKeystrokeP99Ms && ratio(path) >= target.minThroughputRatio;
  const directScore = ratio('crossNodeDirect') / keystrokeMs.crossNodeDirect.p50;
  const natsScore = ratio('crossNodeNats') / keystrokeMs.crossNodeNats.p50;
  log.info({ version: TETHER_VERSION }, 'cluster relay measured');
  return {
    keystrokes: options.keystrokes,
    keystrokeMs,
    bytesEachWay: options.bytesEachWay,
    throughputMBps,
    runs: Object.fromEntries(PATHS.map((path) => [path, runs[path].map(round1)])) as Record<
      RelayPath,
      number[]
    >,
    throughputRatio: { direct: ratio('crossNodeDirect'), nats: ratio('crossNodeNats') },
    target,
    passed: { direct: passes('crossNodeDirect'), nats: passes('crossNodeNats') },
    faster: directScore >= natsScore ? 'direct' : 'bus',
  };
}

/**
 * One keystroke to the echo device and back, in ms. Each keystroke carries its number, and only
 * its own echo stops the clock (anything else the relay sends does not).
 */
function roundTrip(socket: WebSocket, index: number): Promise<number> {
  const data = new Uint8Array([0x61 + (index % 26), index & 0xff, (index >> 8) & 0xff]);
  const key = Buffer.from(encodeTerminalFrame({ type: 'data', data }));
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const timer = setTimeout(() => reject(new Error('no echo of a keystroke in 10 s')), 10_000);
    const onMessage = (message: Buffer): void => {
      if (!key.equals(message)) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(performance.now() - startedAt);
    };
    socket.on('message', onMessage);
    socket.send(key);
  });
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
