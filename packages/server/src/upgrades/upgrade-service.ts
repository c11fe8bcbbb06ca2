import { pipeline, type Readable } from 'node:stream';
import {
  isUpgradeRunning,
  type AgentMessage,
  type DeviceUpgrade,
  type MessageOf,
  type StartUpgradeRequest,
  type StartUpgradeResponse,
  type UpgradeOverview,
  type UpgradeSettings,
  type UpgradeState,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { repeat, type CancelTimer, type Clock } from '../clock.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { Logger } from '../logging.js';
import type { AgentBuilds } from '../ports/agent-builds.js';
import type { DeviceRecord, Store } from '../store/store.js';
import { createUpgradeOffers, type FoundBuilds } from './upgrade-offers.js';
import { createTokenBucket } from './token-bucket.js';
import { createUpgradePlanner, type Upgrade } from './upgrade-planner.js';
import { sumOfNodes, upgradeNodes, type NodeUpgrades } from './upgrade-nodes.js';
import { deviceUpgradeView } from './upgrade-view.js';
import type { Cluster } from '../cluster/cluster.js';
import {
  DEFAULT_UPGRADE_SETTINGS,
  readUpgradeCycle,
  readUpgradeSettings,
  saveUpgradeSettings,
  takeUpgradeRequests,
  writeUpgradeCycle,
  writeUpgradeSettings,
} from './upgrade-settings.js';

export interface UpgradeServiceDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  presence: DevicePresence;
  identity: Pick<ServerIdentity, 'publicKey' | 'sign'>;
  builds: AgentBuilds;
  /** The server's own version: the target when the settings name none. */
  ownVersion: string;
  /** The cluster this node is in: the limits are shared out, manual upgrades reach every node. */
  cluster?: Cluster;
  /** How often the scheduler looks for devices to offer an upgrade (default 1 s). */
  tickMs?: number;
  /** An upgrade without news from its agent for this long fails (default 10 min). */
  staleMs?: number;
}

/** Agent upgrades (A-6, S-12): settings, the scheduler, the shared throttle, each device's progress. */
export interface UpgradeService {
  start(): Promise<void>;
  stop(): void;
  settings(): UpgradeSettings;
  /** The server's own version: the target when the settings name none. */
  readonly ownVersion: string;
  /** A device's latest upgrade since the server started, for its page (any node's, in a cluster). */
  upgradeOf(deviceId: string): Promise<DeviceUpgrade | undefined>;
  /** Validates (the target build must exist), saves and applies; `once` starts a new cycle. */
  saveSettings(settings: UpgradeSettings, actor: string): Promise<UpgradeSettings>;
  startManual(request: StartUpgradeRequest, actor: string): Promise<StartUpgradeResponse>;
  overview(): Promise<UpgradeOverview>;
  /** The offered build's body for a ticket, throttled; `undefined` when the ticket is not live. */
  openDownload(ticket: string): { body: Readable; bytes: number } | undefined;
  /** A device's agent connected; `record`: its device row when the caller holds it (not read again). */
  onDeviceReady(deviceId: string, record?: DeviceRecord): void;
  onDeviceDisconnected(deviceId: string): void;
  onStatus(deviceId: string, status: MessageOf<AgentMessage, 'upgrade.status'>): void;
  /** Upgrades in progress and bytes sent so far (benchmarks sample it). */
  load(): { running: number; sentBytes: number };
}

/** How long the scheduler waits after an agent connects, to serve the agents close behind it too. */
const READY_TICK_MS = 100;

export function createUpgradeService(deps: UpgradeServiceDeps): UpgradeService {
  const { store, clock, log, audit, presence, builds } = deps;
  let settings: UpgradeSettings = DEFAULT_UPGRADE_SETTINGS;
  const bucket = createTokenBucket({ bytesPerSec: settings.bandwidthBytesPerSec });
  const offers = createUpgradeOffers({
    builds,
    identity: deps.identity,
    clock,
    ownVersion: deps.ownVersion,
  });
  const planner = createUpgradePlanner();
  const staleMs = deps.staleMs ?? 10 * 60_000;
  let cancelTick: CancelTimer | undefined;
  let ticking = false;
  let isTickWanted = false;
  const wasTickWanted = (): boolean => isTickWanted;
  let lastCycleCheck = 0;
  let lastSync = clock.now().getTime();
  const rate = { at: clock.now().getTime(), sent: 0, bytesPerSec: 0 };

  const target = (): string => settings.targetVersion ?? deps.ownVersion;
  const queueHere = (
    request: StartUpgradeRequest,
    version: string,
  ): Promise<StartUpgradeResponse> =>
    planner.queue({
      request,
      version,
      store,
      now: clock.now(),
      isOnlineWithout: (id) => presence.get(id)?.capabilities.includes('upgrade') === false,
    });
  /** This node's upgrades, named by node in a cluster (the console lists every node's). */
  const view = (upgrade: Upgrade): DeviceUpgrade =>
    deviceUpgradeView(upgrade, deps.cluster?.isClustered ? deps.cluster.nodeId : undefined);
  const deviceUpgrade = (deviceId: string): DeviceUpgrade | undefined => {
    const upgrade = planner.get(deviceId);
    return upgrade && view(upgrade);
  };
  const ownUpgrades = (): NodeUpgrades => {
    measure();
    return {
      running: planner.running().length,
      pending: planner.pending({ online: presence.all(), mode: settings.mode, target: target() }),
      bytesPerSec: Math.round(rate.bytesPerSec),
      upgrades: planner.list().map(view),
    };
  };
  const nodes = upgradeNodes(deps.cluster, log, {
    onRequested(request, version) {
      queueHere(request, version).then(tickSoon, (error: unknown) => {
        log.warn({ err: error }, 'a manual upgrade asked on another node was refused here');
      });
    },
    ownUpgrades,
    deviceUpgrade,
  });
  /** This node's share of a limit (all of it on a single node). */
  const shareOf = (limit: number): number => Math.max(1, Math.floor(limit / nodes.share()));
  const applyRate = (): void => bucket.setRate(shareOf(settings.bandwidthBytesPerSec));

  const update = (upgrade: Upgrade, state: UpgradeState, reason?: string): void => {
    upgrade.state = state;
    upgrade.updatedAt = clock.now();
    if (reason === undefined) delete upgrade.reason;
    else upgrade.reason = reason;
    if (!isUpgradeRunning(state) && upgrade.ticket) {
      offers.revoke(upgrade.ticket);
      delete upgrade.ticket;
    }
    if (state === 'installed' || state === 'failed' || state === 'rolled-back') {
      void audit
        .record({
          action: state === 'installed' ? 'device.upgraded' : 'device.upgrade_failed',
          actor: `device:${upgrade.deviceId}`,
          target: upgrade.deviceId,
          details: { from: upgrade.fromVersion, to: upgrade.toVersion, state, reason },
        })
        .catch(() => undefined);
      if (state !== 'installed')
        log.warn({ deviceId: upgrade.deviceId, state, reason }, 'an agent upgrade did not succeed');
    }
  };

  const tick = async (): Promise<void> => {
    if (ticking) {
      // A slot freed while offers were being sent: look again as soon as this pass ends.
      isTickWanted = true;
      return;
    }
    ticking = true;
    isTickWanted = false;
    try {
      await syncSaved();
      measure();
      const now = clock.now();
      for (const upgrade of planner.running())
        if (now.getTime() - upgrade.updatedAt.getTime() > staleMs)
          update(upgrade, 'failed', 'The agent sent no news of the upgrade for too long.');
      const cycle = settings.mode === 'once' ? await readUpgradeCycle(store) : undefined;
      const chosen = planner.choose({
        online: presence.all(),
        free: shareOf(settings.maxConcurrent) - planner.running().length,
        mode: settings.mode,
        target: target(),
        cycle: cycle ? new Set(cycle.deviceIds) : undefined,
        now,
      });
      const found: FoundBuilds = new Map();
      for (const choice of chosen) {
        const failure = await offers.offer(choice, found).catch((error: unknown) => {
          log.error({ err: error, deviceId: choice.device.id }, 'cannot offer an agent upgrade');
          return 'The server could not prepare the build.';
        });
        if (failure !== undefined) update(choice.upgrade, 'failed', failure);
      }
      // The whole device list is read at most every 10 s, and only when nothing runs.
      const isCheckDue = now.getTime() - lastCycleCheck > 10_000 && planner.running().length === 0;
      if (cycle && isCheckDue) lastCycleCheck = now.getTime();
      if (
        cycle &&
        isCheckDue &&
        (await planner.isCycleDone(cycle.deviceIds, cycle.targetVersion, store))
      ) {
        settings = { ...settings, mode: 'disabled' };
        await writeUpgradeSettings(store, settings);
        await writeUpgradeCycle(store, null);
        log.info({ version: cycle.targetVersion }, 'the upgrade cycle is complete');
      }
    } finally {
      ticking = false;
      // Read through a call: set by another pass while this one awaited (TS cannot see that).
      if (wasTickWanted()) tickSoon();
    }
  };
  const tickSoon = (): void => {
    tick().catch((error: unknown) => log.error({ err: error }, 'the upgrade scheduler failed'));
  };
  let cancelShortTick: CancelTimer | undefined;
  /**
   * One pass for all the agents that connect within READY_TICK_MS: a pass walks the online
   * fleet, and a pass per agent made a reconnect storm quadratic (15,000 passes over up to
   * 15,000 agents), while an offer that comes 100 ms after the welcome loses nothing.
   */
  const tickShortly = (): void => {
    cancelShortTick ??= clock.setTimer(() => {
      cancelShortTick = undefined;
      tickSoon();
    }, READY_TICK_MS);
  };
  const measure = (): void => {
    const at = clock.now().getTime();
    if (at - rate.at < 1000) return;
    rate.bytesPerSec = ((bucket.sentBytes - rate.sent) * 1000) / (at - rate.at);
    rate.at = at;
    rate.sent = bucket.sentBytes;
  };

  const startManual = async (
    request: StartUpgradeRequest,
    actor: string,
  ): Promise<StartUpgradeResponse> => {
    const version = request.version ?? target();
    const response = await queueHere(request, version);
    nodes.announce(request, version);
    await audit.record({
      action: 'upgrade.requested',
      actor,
      target: request.group ?? `${request.deviceIds?.length ?? 0} devices`,
      details: { version, queued: response.queued, skipped: response.skipped.length },
    });
    tickSoon();
    return response;
  };

  /** Settings and manual requests saved headless (`tether admin upgrades`) reach a running server. */
  const syncSaved = async (): Promise<void> => {
    const at = clock.now().getTime();
    if (at - lastSync < 5000) return;
    lastSync = at;
    const saved = await readUpgradeSettings(store);
    const shareBefore = nodes.share();
    await nodes.refresh();
    const isRateChanged = saved.bandwidthBytesPerSec !== settings.bandwidthBytesPerSec;
    settings = saved;
    if (isRateChanged || nodes.share() !== shareBefore) applyRate();
    for (const { request, actor } of await takeUpgradeRequests(store))
      await startManual(request, actor).catch((error: unknown) => {
        log.warn({ err: error }, 'a saved manual upgrade request was refused');
      });
  };

  return {
    async start() {
      settings = await readUpgradeSettings(store);
      await nodes.refresh();
      applyRate();
      cancelTick = repeat(clock, tickSoon, deps.tickMs ?? 1000);
    },
    stop() {
      nodes.stop();
      cancelTick?.();
      cancelTick = undefined;
      cancelShortTick?.();
      cancelShortTick = undefined;
    },
    settings: () => settings,
    ownVersion: deps.ownVersion,
    async upgradeOf(deviceId) {
      // In a cluster the node holding the device (now or when it was upgraded) knows.
      return deviceUpgrade(deviceId) ?? (await nodes.upgradeOf(deviceId));
    },
    async saveSettings(next, actor) {
      await saveUpgradeSettings(store, next, {
        ownVersion: deps.ownVersion,
        buildVersions: (await builds.list()).map((build) => build.version),
        now: clock.now(),
      });
      const before = settings;
      settings = next;
      applyRate();
      await audit.record({
        action: 'settings.changed',
        actor,
        target: 'upgrades',
        details: { ...next, previous: before },
      });
      tickSoon();
      return next;
    },
    startManual: (request, actor) => startManual(request, actor),
    async overview() {
      const [all, others] = await Promise.all([builds.list(), nodes.others()]);
      return {
        settings,
        targetVersion: target(),
        builds: all.map(({ version, arch, source, bodyBytes, addedAt }) => ({
          ...{ version, arch, source, bodyBytes, addedAt },
        })),
        ...sumOfNodes([ownUpgrades(), ...others]),
      };
    },
    openDownload(ticket) {
      const entry = offers.find(ticket);
      const upgrade = entry ? planner.get(entry.deviceId) : undefined;
      // The agent may report `downloading` before its request arrives.
      const isLive = upgrade?.state === 'offered' || upgrade?.state === 'downloading';
      if (!entry || upgrade?.ticket !== ticket || !isLive) return undefined;
      offers.revoke(ticket); // one download per offer
      delete upgrade.ticket;
      update(upgrade, 'downloading');
      const throttled = bucket.throttle();
      pipeline(builds.openBody(entry.build), throttled, (error) => {
        if (error)
          log.warn({ err: error, deviceId: entry.deviceId }, 'an upgrade download ended early');
      });
      return { body: throttled, bytes: entry.build.bodyBytes };
    },
    onDeviceReady(deviceId, record) {
      planner
        .remember(deviceId, store, record)
        .then((device) => {
          const upgrade = planner.get(deviceId);
          if (
            device &&
            upgrade &&
            isUpgradeRunning(upgrade.state) &&
            device.version === upgrade.toVersion
          )
            update(upgrade, 'installed');
          tickShortly();
        })
        .catch((error: unknown) => log.error({ err: error, deviceId }, 'cannot read the device'));
    },
    onDeviceDisconnected(deviceId) {
      const upgrade = planner.get(deviceId);
      if (upgrade && isUpgradeRunning(upgrade.state) && upgrade.state !== 'restarting')
        update(upgrade, 'failed', 'The device went offline during the upgrade.');
    },
    onStatus(deviceId, status) {
      const upgrade = planner.track(deviceId, status.version, clock.now());
      if (!upgrade) return;
      if (status.state === upgrade.state) return;
      update(upgrade, status.state, status.reason);
      if (!isUpgradeRunning(status.state)) tickSoon();
    },
    load: () => ({ running: planner.running().length, sentBytes: bucket.sentBytes }),
  };
}
