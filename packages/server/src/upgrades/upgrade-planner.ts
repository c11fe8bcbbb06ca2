import {
  AppError,
  isUpgradeRunning,
  type StartUpgradeRequest,
  type StartUpgradeResponse,
  type UpgradeMode,
  type UpgradeState,
} from '@tether/protocol';
import type { AgentLink } from '../devices/device-presence.js';
import type { DeviceRecord, Store } from '../store/store.js';

/** What the scheduler needs of a device, read when its agent connects. */
export interface KnownDevice {
  id: string;
  name: string;
  group: string;
  version: string;
  platform: string;
  arch: string;
}

/** One device's upgrade (the newest; an earlier one is replaced). */
export interface Upgrade {
  deviceId: string;
  deviceName: string;
  fromVersion: string;
  toVersion: string;
  state: UpgradeState;
  reason?: string;
  isManual: boolean;
  updatedAt: Date;
  /** The live download ticket of an offer. */
  ticket?: string;
}

/** A device the scheduler offers an upgrade to now. */
export interface Choice {
  link: AgentLink;
  device: KnownDevice;
  upgrade: Upgrade;
}

const isGivenUp = (state: UpgradeState): boolean => state === 'failed' || state === 'rolled-back';

function known(record: DeviceRecord): KnownDevice {
  return {
    id: record.id,
    name: record.name,
    group: record.group,
    version: record.inventory.agentVersion,
    platform: record.inventory.os.platform,
    arch: record.inventory.os.arch,
  };
}

/**
 * Which devices get an upgrade, and each device's upgrade state. Pure bookkeeping in memory:
 * the service sends, throttles and persists settings.
 */
export function createUpgradePlanner() {
  const devices = new Map<string, KnownDevice>();
  const upgrades = new Map<string, Upgrade>();

  /** Whether the automatic mode would upgrade this device to `target` now. */
  const isDue = (
    device: KnownDevice,
    options: { mode: UpgradeMode; target: string; cycle?: ReadonlySet<string> | undefined },
  ): boolean => {
    const { mode, target, cycle } = options;
    if (mode === 'disabled' || device.version === target) return false;
    if (mode === 'once' && !cycle?.has(device.id)) return false;
    const upgrade = upgrades.get(device.id);
    // Not retried by itself once failed or rolled back: an administrator asks again by hand.
    return !(upgrade && upgrade.toVersion === target && isGivenUp(upgrade.state));
  };
  const canUpgrade = (link: AgentLink): boolean => link.capabilities.includes('upgrade');
  const hasQueued = (): boolean => {
    for (const upgrade of upgrades.values()) if (upgrade.state === 'queued') return true;
    return false;
  };

  return {
    /** Learns a connected device's version: from `record` when the caller holds it, else read. */
    async remember(deviceId: string, store: Pick<Store, 'devices'>, held?: DeviceRecord) {
      const record = held ?? (await store.devices.find(deviceId));
      if (!record) return undefined;
      const device = known(record);
      devices.set(deviceId, device);
      return device;
    },
    get: (deviceId: string) => upgrades.get(deviceId),
    running: () => [...upgrades.values()].filter((upgrade) => isUpgradeRunning(upgrade.state)),
    list: () => [...upgrades.values()].sort((a, b) => +b.updatedAt - +a.updatedAt),

    /** Up to `free` devices to offer an upgrade: manual requests first, then the mode's. */
    choose(options: {
      online: Iterable<AgentLink>;
      free: number;
      mode: UpgradeMode;
      target: string;
      cycle?: ReadonlySet<string> | undefined;
      now: Date;
    }): Choice[] {
      if (options.free <= 0) return [];
      // With the mode off only queued manual upgrades can be chosen: without any, the online
      // fleet is not walked at all (15,000 agents reconnecting each ask for a pass).
      if (options.mode === 'disabled' && !hasQueued()) return [];
      const manual: Choice[] = [];
      const automatic: Choice[] = [];
      for (const link of options.online) {
        const device = devices.get(link.deviceId);
        if (!device || !canUpgrade(link)) continue;
        const upgrade = upgrades.get(device.id);
        if (upgrade && isUpgradeRunning(upgrade.state)) continue;
        // Queued here while another node upgraded it (a cluster queues manual upgrades on every
        // node): it is done, not offered again.
        if (upgrade?.state === 'queued' && upgrade.toVersion === device.version)
          upgrades.delete(device.id);
        else if (upgrade?.state === 'queued') manual.push({ link, device, upgrade });
        else if (automatic.length < options.free && isDue(device, options))
          automatic.push({ link, device, upgrade: newUpgrade(device, options.target, false) });
        if (manual.length >= options.free) break;
      }
      const chosen = [...manual, ...automatic].slice(0, options.free);
      for (const choice of chosen) {
        Object.assign(choice.upgrade, {
          state: 'offered',
          updatedAt: options.now,
          fromVersion: choice.device.version,
        });
        delete choice.upgrade.reason;
        upgrades.set(choice.device.id, choice.upgrade);
      }
      return chosen;
    },

    /** Online devices the mode would still upgrade, and queued manual upgrades. */
    pending(options: { online: Iterable<AgentLink>; mode: UpgradeMode; target: string }): number {
      let count = 0;
      for (const upgrade of upgrades.values()) if (upgrade.state === 'queued') count += 1;
      if (options.mode !== 'always') return count;
      for (const link of options.online) {
        const device = devices.get(link.deviceId);
        const upgrade = upgrades.get(link.deviceId);
        if (device && canUpgrade(link) && upgrade?.state !== 'queued' && isDue(device, options))
          count += 1;
      }
      return count;
    },

    /** Queues a manual upgrade of devices or a group; offline devices wait until they connect. */
    async queue(options: {
      request: StartUpgradeRequest;
      version: string;
      store: Pick<Store, 'devices'>;
      now: Date;
      isOnlineWithout: (deviceId: string) => boolean;
    }): Promise<StartUpgradeResponse> {
      const { request, version, store } = options;
      const records = request.group
        ? (await store.devices.list()).filter((device) => device.group === request.group)
        : [];
      if (request.group && records.length === 0)
        throw new AppError('NOT_FOUND', `No device is in a group named "${request.group}".`);
      const skipped: StartUpgradeResponse['skipped'] = [];
      for (const id of request.deviceIds ?? []) {
        const record = await store.devices.find(id);
        if (record) records.push(record);
        else skipped.push({ deviceId: id, reason: 'No such device.' });
      }
      let queued = 0;
      for (const record of records) {
        const device = known(record);
        const running = upgrades.get(device.id);
        const reason =
          device.version === version
            ? `Already on ${version}.`
            : device.platform !== 'linux'
              ? `Agents on ${device.platform} cannot upgrade themselves yet.`
              : running && isUpgradeRunning(running.state)
                ? `An upgrade to ${running.toVersion} is in progress.`
                : options.isOnlineWithout(device.id)
                  ? 'This agent cannot upgrade itself: it was not installed from a package.'
                  : undefined;
        if (reason) {
          skipped.push({ deviceId: device.id, reason });
          continue;
        }
        devices.set(device.id, device);
        upgrades.set(device.id, { ...newUpgrade(device, version, true), updatedAt: options.now });
        queued += 1;
      }
      return { queued, skipped };
    },

    /** The upgrade a status speaks of; a report without one (a server restart) starts one. */
    track(deviceId: string, version: string, now: Date): Upgrade | undefined {
      const upgrade = upgrades.get(deviceId);
      if (upgrade && upgrade.toVersion === version) return upgrade;
      const device = devices.get(deviceId);
      if (!device) return undefined;
      const started = { ...newUpgrade(device, version, false), updatedAt: now };
      upgrades.set(deviceId, started);
      return started;
    },

    /** Whether every device of a `once` cycle is on the version or gave up on it. */
    async isCycleDone(
      deviceIds: readonly string[],
      version: string,
      store: Pick<Store, 'devices'>,
    ) {
      const inCycle = new Set(deviceIds);
      for (const record of await store.devices.list()) {
        if (!inCycle.has(record.id) || record.inventory.agentVersion === version) continue;
        const upgrade = upgrades.get(record.id);
        if (!(upgrade?.toVersion === version && isGivenUp(upgrade.state))) return false;
      }
      return true;
    },
  };
}

function newUpgrade(device: KnownDevice, toVersion: string, isManual: boolean): Upgrade {
  return {
    deviceId: device.id,
    deviceName: device.name,
    fromVersion: device.version,
    toVersion,
    state: 'queued',
    isManual,
    updatedAt: new Date(0),
  };
}
