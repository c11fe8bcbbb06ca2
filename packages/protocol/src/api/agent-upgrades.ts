import { z } from 'zod';
import { DeviceId, Timestamp } from '../ids.js';
import { AgentUpgradeState } from '../agent/agent-messages.js';

/** The most an administrator may allow all upgrade downloads together (S-12): 100 MiB/s. */
export const MAX_UPGRADE_BANDWIDTH = 100 * 1024 * 1024;
/** The most upgrades that may run at once (S-12). */
export const MAX_CONCURRENT_UPGRADES = 500;

/**
 * When the server upgrades agents by itself: never (`disabled`: only manual upgrades),
 * the devices enrolled when the cycle started and then off again (`once`), or every device not
 * on the target version whenever it is online (`always`).
 *
 * @example
 * UpgradeMode.parse('once');
 */
export const UpgradeMode = z.enum(['disabled', 'once', 'always']);
export type UpgradeMode = z.infer<typeof UpgradeMode>;

/**
 * The upgrade settings (A-6, S-12), edited in the admin console and with `tether admin upgrades`.
 *
 * @example
 * const settings: UpgradeSettings = { mode: 'always', targetVersion: '0.2.0', bandwidthBytesPerSec: 10 * 1024 * 1024, maxConcurrent: 50 };
 */
export const UpgradeSettings = z.object({
  mode: UpgradeMode,
  /** The version agents are brought to; absent: the server's own version. */
  targetVersion: z.string().trim().min(1).max(64).optional(),
  /** Total for all upgrade downloads together, bytes per second. */
  bandwidthBytesPerSec: z
    .int()
    .min(64 * 1024)
    .max(MAX_UPGRADE_BANDWIDTH),
  /** Upgrades in progress at once (offered, downloading, installing or restarting). */
  maxConcurrent: z.int().min(1).max(MAX_CONCURRENT_UPGRADES),
});
export type UpgradeSettings = z.infer<typeof UpgradeSettings>;

/**
 * Where one device's upgrade is. `offered` … `restarting` are in progress (they count against
 * the concurrency limit); `installed`, `failed` and `rolled-back` are final.
 */
export const UpgradeState = z.enum(['queued', 'offered', ...AgentUpgradeState.options]);
export type UpgradeState = z.infer<typeof UpgradeState>;

/** Whether an upgrade in this state holds one of the concurrent slots. */
export function isUpgradeRunning(state: UpgradeState): boolean {
  return (
    state === 'offered' ||
    state === 'downloading' ||
    state === 'installing' ||
    state === 'restarting'
  );
}

/** One device's upgrade, as the console's upgrades page lists it. */
export const DeviceUpgrade = z.object({
  deviceId: DeviceId,
  deviceName: z.string(),
  fromVersion: z.string(),
  toVersion: z.string(),
  state: UpgradeState,
  /** Why it failed or was rolled back. */
  reason: z.string().optional(),
  /** Whether an administrator asked for it (per device or group), rather than the mode. */
  isManual: z.boolean(),
  updatedAt: Timestamp,
  /** The cluster node upgrading it (cluster mode only: each node upgrades its own agents). */
  node: z.string().optional(),
});
export type DeviceUpgrade = z.infer<typeof DeviceUpgrade>;

/** An agent build the server can ship (its own, or uploaded). */
export const AgentBuildInfo = z.object({
  version: z.string(),
  arch: z.string(),
  source: z.enum(['server', 'upload']),
  bodyBytes: z.int().nonnegative(),
  addedAt: Timestamp,
});
export type AgentBuildInfo = z.infer<typeof AgentBuildInfo>;

/**
 * The largest agent build archive the server accepts (`.tar.gz`, A-6): a build with its Node
 * runtime is ~40 MiB compressed; the cap leaves room and bounds the disk one request may fill.
 */
export const MAX_BUILD_UPLOAD_BYTES = 256 * 1024 * 1024;

/** What an uploaded build archive may unpack to at most: gzip bombs stop here. */
export const MAX_BUILD_UNPACKED_BYTES = 1024 * 1024 * 1024;

/**
 * An agent build version as a folder and URL segment can hold it.
 *
 * @example
 * AgentBuildVersion.parse('0.3.0');
 */
export const AgentBuildVersion = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/);

/** One build by version and architecture (`x64`, `arm64`, `arm`). */
export const AgentBuildKey = z.object({
  version: AgentBuildVersion,
  arch: z.enum(['x64', 'arm64', 'arm']),
});
export type AgentBuildKey = z.infer<typeof AgentBuildKey>;

/** Upload options: `replace` overwrites an uploaded build of the same version and arch. */
export const AddBuildQuery = z.object({
  replace: z.enum(['true', 'false']).optional(),
});

/** The upgrades page: settings, builds, counts and each device's upgrade. */
export const UpgradeOverview = z.object({
  settings: UpgradeSettings,
  /** The version the settings resolve to (the server's own when none is set). */
  targetVersion: z.string(),
  builds: z.array(AgentBuildInfo),
  /** Upgrades in progress now, and bytes per second sent over the last seconds. */
  running: z.int().nonnegative(),
  bytesPerSec: z.number().nonnegative(),
  /** Online devices the current settings would still upgrade. */
  pending: z.int().nonnegative(),
  upgrades: z.array(DeviceUpgrade),
});
export type UpgradeOverview = z.infer<typeof UpgradeOverview>;

/**
 * A manual upgrade: these devices, or every device of a group, to the target version (or
 * `version`), whatever the mode; the limits still apply.
 *
 * @example
 * const request: StartUpgradeRequest = { group: 'Web servers' };
 */
export const StartUpgradeRequest = z
  .object({
    deviceIds: z.array(DeviceId).min(1).max(10_000).optional(),
    /** A device group's name. */
    group: z.string().trim().min(1).max(200).optional(),
    version: z.string().trim().min(1).max(64).optional(),
  })
  .refine((request) => request.deviceIds !== undefined || request.group !== undefined, {
    message: 'name devices (deviceIds) or a group (group)',
  });
export type StartUpgradeRequest = z.infer<typeof StartUpgradeRequest>;

/** What a manual upgrade queued. */
export const StartUpgradeResponse = z.object({
  queued: z.int().nonnegative(),
  /** Devices not queued and why (already on the version, agent too old to upgrade itself…). */
  skipped: z.array(z.object({ deviceId: DeviceId, reason: z.string() })),
});
export type StartUpgradeResponse = z.infer<typeof StartUpgradeResponse>;

/**
 * One device's upgrade as its page shows it: the version it runs, where upgrades would take it,
 * whether its agent can upgrade itself, and its latest upgrade (progress, or how it ended,
 * including a rollback the agent reported).
 */
export const DeviceUpgradeStatus = z.object({
  agentVersion: z.string(),
  targetVersion: z.string(),
  /** Online with an agent that announces the `upgrade` capability; unknown (true) when offline. */
  canUpgrade: z.boolean(),
  upgrade: DeviceUpgrade.nullable(),
});
export type DeviceUpgradeStatus = z.infer<typeof DeviceUpgradeStatus>;

/** `POST /api/v1/devices/:id/upgrade`: to the target version, or `version` (a build the server holds). */
export const UpgradeDeviceRequest = z.object({
  version: z.string().trim().min(1).max(64).optional(),
});
export type UpgradeDeviceRequest = z.infer<typeof UpgradeDeviceRequest>;
