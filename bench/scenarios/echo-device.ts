import { release } from 'node:os';
import { TETHER_VERSION, type DeviceInventory, type SessionOffer } from '@tether/protocol';
import { enrollAgent, systemClock, type Logger } from '@tether/agent';
import type { WebSocket } from 'ws';
import {
  connectRelay,
  openControlConnection,
  readAgentState,
  relayUrl,
} from '../lib/agent-transport.js';
import type { Cleanup } from '../lib/cleanup.js';
import type { ServerProcess } from '../lib/server-process.js';

/** A simulated device whose sessions echo every relay message back. */
export interface EchoDevice {
  readonly deviceId: string;
  /** Closes the relay sockets and the control channel. */
  close(): Promise<void>;
}

const WELCOME_TIMEOUT_MS = 15_000;

/**
 * Connects an enrolled agent identity with the agent's own control channel (TLS, pinned-key
 * handshake, heartbeat) and answers every `session.offer` by joining the relay with the agent's
 * relay client and echoing binary messages: the device end of the relay throughput test,
 * without a shell in the way.
 *
 * @example
 * const device = await startEchoDevice({ dataDir, log });
 */
export async function startEchoDevice(options: {
  dataDir: string;
  log: Logger;
  /** What the device does with each relay socket it joins; default: echo every message. */
  serve?: (socket: WebSocket) => void;
}): Promise<EchoDevice> {
  const state = await readAgentState(options.dataDir);
  const inventory: DeviceInventory = {
    hostname: 'bench-echo-device',
    os: {
      platform: process.platform,
      release: release(),
      name: 'benchmark echo device',
      arch: process.arch,
    },
    agentVersion: TETHER_VERSION,
  };
  const relays = new Set<WebSocket>();
  const join = async (offer: SessionOffer, expectedFingerprint: string): Promise<void> => {
    const socket = await connectRelay(relayUrl(state.config.serverUrl, offer), {
      expectedFingerprint,
    });
    relays.add(socket);
    if (options.serve) options.serve(socket);
    else socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('close', () => relays.delete(socket));
  };
  let onWelcome: () => void = () => undefined;
  const welcomed = new Promise<void>((resolve) => (onWelcome = resolve));
  const connection = openControlConnection({
    state,
    inventory,
    log: options.log,
    clock: systemClock,
    events: {
      onWelcome: () => onWelcome(),
      onSettings: () => undefined,
      onOffer: (offer, fingerprint) => {
        join(offer, fingerprint).catch((error: unknown) =>
          options.log.error({ err: error }, 'echo device could not join'),
        );
      },
      onCancel: () => undefined,
      onUnattended: () => undefined,
      // The echo device has no integrator keys; the benchmark never sends OEM requests.
      onOemRequest: () => undefined,
    },
  });
  const closed = connection.closed.then(({ code, reason }) => {
    throw new Error(`the control channel closed before the welcome (${code} ${reason})`);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error('no welcome from the server in time')),
      WELCOME_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([welcomed, closed, timedOut]);
  } catch (error) {
    connection.close(1001, 'benchmark setup failed');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    deviceId: state.config.deviceId,
    async close() {
      for (const socket of relays) socket.terminate();
      connection.close(1001, 'benchmark finished');
      await connection.closed;
    },
  };
}

/**
 * Enrols a new echo device with the server (an installer of its own) and connects it; the
 * device closes with the scenario's cleanup.
 *
 * @example
 * const device = await enrolledEchoDevice(server, { dataDir: join(dir, 'device'), log, cleanup });
 */
export async function enrolledEchoDevice(
  server: ServerProcess,
  options: { dataDir: string; log: Logger; cleanup: Cleanup },
): Promise<EchoDevice> {
  const { dataDir, log, cleanup } = options;
  const { token } = await server.createInstaller({});
  await enrollAgent({ serverUrl: server.url, token, dataDir, log });
  const device = await startEchoDevice({ dataDir, log });
  cleanup.defer('echo device', () => device.close());
  return device;
}
