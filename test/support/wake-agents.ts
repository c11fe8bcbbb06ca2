import { CreateInstallerResponse, type DeviceNetwork } from '@tether/protocol';
import { enrollAgent, fixedUserPresence, runAgent } from '@tether/agent';
import { createLogger } from '@tether/server';
import { ensureDeviceGroup } from './device-groups.js';
import type { TestServer } from './test-server.js';

const log = createLogger({ level: 'silent' });

/** A real agent run in-process for the wake tests. */
export interface WakeTestAgent {
  deviceId: string;
  /** `true` at each welcome, `false` when that connection ends. */
  connections: boolean[];
  /** Stops it (once; later calls wait for the same stop). */
  stop: () => Promise<void>;
}

/**
 * One card on loopback's 127/8: its broadcast address (127.255.255.255) reaches a UDP socket
 * bound on this machine, so magic packets can be captured.
 */
export function loopbackNetwork(mac: string): DeviceNetwork {
  return {
    interfaces: [{ name: 'eth0', mac, ipv4: [{ address: '127.0.0.1', netmask: '255.0.0.0' }] }],
    defaultGateway: '127.0.0.254',
  };
}

/**
 * Enrols a device through an installer of the given connection type and runs the real agent
 * in-process, reporting a loopback card with `mac` and listening for wake-ups on a free port.
 *
 * @example
 * const relay = await startWakeTestAgent(server, { dataDir, connectionType: 'active', mac });
 */
export async function startWakeTestAgent(
  server: TestServer,
  options: { dataDir: string; connectionType: 'active' | 'passive'; mac: string },
): Promise<WakeTestAgent> {
  await ensureDeviceGroup(server.admin, 'Wake devices');
  const created = await server.admin.request('POST', '/api/v1/installers', {
    group: 'Wake devices',
    validForSec: 3600,
    connectionType: options.connectionType,
  });
  if (created.status !== 201) throw new Error(`installer creation failed: ${created.text}`);
  const { token } = created.json(CreateInstallerResponse);
  const { dataDir } = options;
  const { deviceId } = await enrollAgent({ serverUrl: server.url, token, dataDir, log });
  const agent = await runAgent({
    dataDir,
    log,
    spareShell: false,
    userPresence: fixedUserPresence('absent'),
    passivePort: 0,
    network: () => loopbackNetwork(options.mac),
  });
  const connections: boolean[] = [];
  agent.onConnectionChange((isConnected) => connections.push(isConnected));
  let stopped: Promise<void> | undefined;
  return { deviceId, connections, stop: () => (stopped ??= agent.stop()) };
}
