import type { DeviceNetwork } from '@tether/protocol';
import { networkKeys } from './network-keys.js';

/**
 * Which connected agents can send Wake-on-LAN packets onto which network: each agent
 * that can (`wake` capability) is filed under its subnets and default gateway when it
 * connects, so finding a peer for a sleeping device is a lookup, not a scan of the fleet.
 *
 * @example
 * relays.add(deviceId, inventory.network);
 * const [best] = relays.candidates(target.network, { exclude: target.id, isOnline, limit: 3 });
 */
export class WakeRelays {
  private readonly keysOf = new Map<string, string[]>();
  private readonly devicesOf = new Map<string, Set<string>>();

  add(deviceId: string, network: DeviceNetwork): void {
    this.remove(deviceId);
    const keys = networkKeys(network);
    if (keys.length === 0) return;
    this.keysOf.set(deviceId, keys);
    for (const key of keys) {
      const devices = this.devicesOf.get(key) ?? new Set<string>();
      devices.add(deviceId);
      this.devicesOf.set(key, devices);
    }
  }

  remove(deviceId: string): void {
    for (const key of this.keysOf.get(deviceId) ?? []) {
      const devices = this.devicesOf.get(key);
      devices?.delete(deviceId);
      if (devices?.size === 0) this.devicesOf.delete(key);
    }
    this.keysOf.delete(deviceId);
  }

  /**
   * Online agents that can reach the target's network, best first: those on its subnet, then
   * those behind its default gateway; at most `limit`.
   */
  candidates(
    target: DeviceNetwork,
    options: { exclude: string; isOnline: (deviceId: string) => boolean; limit: number },
  ): string[] {
    const found = new Set<string>();
    for (const key of networkKeys(target)) {
      for (const deviceId of this.devicesOf.get(key) ?? []) {
        if (found.size === options.limit) return [...found];
        if (deviceId !== options.exclude && options.isOnline(deviceId)) found.add(deviceId);
      }
    }
    return [...found];
  }
}
