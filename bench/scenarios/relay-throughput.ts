import { join } from 'node:path';
import { CreateSessionResponse } from '@tether/protocol';
import { HttpsClient } from '../../test/support/https-client.js';
import { connectRelay } from '../lib/agent-transport.js';
import type { Cleanup } from '../lib/cleanup.js';
import { certificateFingerprint } from '../lib/fingerprint.js';
import { benchLogger } from '../lib/logger.js';
import { closed, opened } from '../lib/open-socket.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { median } from '../lib/summary.js';
import { startBarePipe } from './bare-pipe.js';
import { probeEcho, pumpEcho, type EchoTransfer, type PumpOptions } from './binary-echo.js';
import { enrolledEchoDevice } from './echo-device.js';

/** Result of scenario (a). MB = 10^6 bytes; MB/s counts both directions together. */
export interface RelayThroughputResult {
  bytesEachWay: number;
  messageBytes: number;
  windowBytes: number;
  /** Opaque binary messages (not terminal frames, so not recorded): the relay path itself. */
  relayMBps: number;
  barePipeMBps: number;
  /** relay ÷ bare pipe */
  ratio: number;
  /** MiB/s in each direction (the unit of the MeshCentral figures). */
  relayMiBpsEachWay: number;
  runs: { relayMBps: number[]; barePipeMBps: number[] };
  /** The same transfer as terminal output (DATA frames), which the session recorder writes. */
  recordedTerminalOutput: {
    MBps: number;
    bytesEchoed: number;
    completed: boolean;
    interruptedBy?: string;
  };
  target: { minMBps: number; minRatio: number };
  passed: boolean;
}

const MESSAGE_BYTES = 64 * 1024;
const WINDOW_BYTES = 4 * 1024 * 1024;
const WARM_UP_BYTES = 16 * 1024 * 1024;

const megabytesPerSecond = (transfer: EchoTransfer): number =>
  (transfer.bytesSent + transfer.bytesReceived) / 1e6 / transfer.seconds;

/** One transfer through a fresh Tether terminal session on the echo device. */
async function relayTransfer(
  server: ServerProcess,
  deviceId: string,
  pump: PumpOptions,
): Promise<EchoTransfer> {
  const response = await server.admin.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'terminal',
    cols: 80,
    rows: 24,
  });
  if (response.status !== 201)
    throw new Error(`session request failed: ${response.status} ${response.text}`);
  const { relay } = response.json(CreateSessionResponse);
  const technician = await opened(server.admin.websocket(`${relay.path}?token=${relay.token}`));
  try {
    await probeEcho(technician);
    return await pumpEcho(technician, pump);
  } finally {
    await closed(technician);
  }
}

/** One transfer through the bare pipe, with the same client code on both ends. */
async function bareTransfer(options: {
  baseUrl: string;
  ca: string;
  fingerprint: string;
  path: string;
  pump: PumpOptions;
}): Promise<EchoTransfer> {
  const technician = opened(new HttpsClient(options.baseUrl, options.ca).websocket(options.path));
  const device = await connectRelay(new URL(options.path, options.baseUrl), {
    expectedFingerprint: options.fingerprint,
  });
  device.on('message', (data, isBinary) => device.send(data, { binary: isBinary }));
  const socket = await technician;
  try {
    await probeEcho(socket);
    return await pumpEcho(socket, options.pump);
  } finally {
    await Promise.all([closed(socket), closed(device)]);
  }
}

function completed(transfer: EchoTransfer, what: string): number {
  if (transfer.interruptedBy) throw new Error(`${what} was interrupted: ${transfer.interruptedBy}`);
  return megabytesPerSecond(transfer);
}

/**
 * Scenario (a): binary echo through the real relay (server in a child process, technician over
 * WSS with the console's ticket, device = the agent's control channel and relay client) against
 * a bare ws-to-ws pipe over the same TLS certificate, alternating runs, medians reported; then
 * one run of recorded terminal output through the relay.
 */
export async function measureRelayThroughput(
  cleanup: Cleanup,
  options: { bytesEachWay: number; rounds: number },
): Promise<RelayThroughputResult> {
  const dir = await cleanup.tempDir('relay');
  const log = benchLogger();
  const server = await startServerProcess({ dataDir: join(dir, 'server'), cleanup });
  const device = await enrolledEchoDevice(server, { dataDir: join(dir, 'device'), log, cleanup });
  const keys = join(server.dataDir, 'keys');
  const { url: bareUrl } = await startBarePipe({
    certFile: join(keys, 'tls-self-signed.crt'),
    keyFile: join(keys, 'tls-self-signed.key'),
    cleanup,
  });
  const fingerprint = certificateFingerprint(server.ca);
  const pump = (
    totalBytes: number,
    frameKind: PumpOptions['frameKind'] = 'opaque',
  ): PumpOptions => ({
    totalBytes,
    messageBytes: MESSAGE_BYTES,
    windowBytes: WINDOW_BYTES,
    frameKind,
  });
  const relay = (totalBytes: number): Promise<number> =>
    relayTransfer(server, device.deviceId, pump(totalBytes)).then((transfer) =>
      completed(transfer, 'the relay transfer'),
    );
  const bare = (round: number, totalBytes: number): Promise<number> =>
    bareTransfer({
      baseUrl: bareUrl,
      ca: server.ca,
      fingerprint,
      path: `/pipe/${round}`,
      pump: pump(totalBytes),
    }).then((transfer) => completed(transfer, 'the bare pipe transfer'));

  await relay(WARM_UP_BYTES);
  await bare(0, WARM_UP_BYTES);
  const runs = { relayMBps: [] as number[], barePipeMBps: [] as number[] };
  for (let round = 1; round <= options.rounds; round++) {
    runs.relayMBps.push(await relay(options.bytesEachWay));
    runs.barePipeMBps.push(await bare(round, options.bytesEachWay));
  }
  const recorded = await relayTransfer(
    server,
    device.deviceId,
    pump(options.bytesEachWay, 'terminal-output'),
  );
  const relayMBps = median(runs.relayMBps);
  const barePipeMBps = median(runs.barePipeMBps);
  const target = { minMBps: 300, minRatio: 0.8 };
  return {
    bytesEachWay: options.bytesEachWay,
    messageBytes: MESSAGE_BYTES,
    windowBytes: WINDOW_BYTES,
    relayMBps: round1(relayMBps),
    barePipeMBps: round1(barePipeMBps),
    ratio: Math.round((relayMBps / barePipeMBps) * 1000) / 1000,
    relayMiBpsEachWay: round1((relayMBps * 1e6) / 2 / 2 ** 20),
    runs: { relayMBps: runs.relayMBps.map(round1), barePipeMBps: runs.barePipeMBps.map(round1) },
    recordedTerminalOutput: {
      MBps: round1(megabytesPerSecond(recorded)),
      bytesEchoed: recorded.bytesReceived,
      completed: recorded.interruptedBy === undefined,
      ...(recorded.interruptedBy ? { interruptedBy: recorded.interruptedBy } : {}),
    },
    target,
    passed: relayMBps >= target.minMBps && relayMBps / barePipeMBps >= target.minRatio,
  };
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
