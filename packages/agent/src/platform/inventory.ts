import { arch, hostname, platform as osPlatform, release } from 'node:os';
import type { DeviceInventory } from '@tether/protocol/agent';
import { AGENT_VERSION } from '../agent-version.js';
import type { Platform } from './platform.js';

/**
 * What the agent tells the server about its machine at enrolment and on every connection.
 * Strings are clipped to the protocol's limits so an odd machine can still enrol.
 *
 * @example
 * const inventory = await collectInventory(selectPlatform(process.platform));
 */
export async function collectInventory(platform: Platform): Promise<DeviceInventory> {
  return {
    hostname: (hostname() || 'unknown').slice(0, 255),
    os: {
      platform: osPlatform().slice(0, 64),
      release: release().slice(0, 128),
      name: (await platform.osName()).slice(0, 256),
      arch: arch().slice(0, 32),
    },
    agentVersion: AGENT_VERSION,
  };
}
