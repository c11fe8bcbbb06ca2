import { DeviceUpgrade, StartUpgradeRequest } from '@tether/protocol';
import { z } from 'zod';
import type { Cluster } from '../cluster/cluster.js';
import { subjects } from '../cluster/subjects.js';
import type { Logger } from '../logging.js';

const Requested = z.object({
  origin: z.string(),
  request: StartUpgradeRequest,
  version: z.string(),
});

const DeviceAsked = z.object({ deviceId: z.string() });
const DeviceAnswer = z.object({ upgrade: DeviceUpgrade.nullable() });

/** How long a node's upgrades are waited for; one that does not answer is left out. */
const ASK_MS = 2000;

/** A node's upgrades as it tells the others: the console's progress is the sum over the nodes. */
export const NodeUpgrades = z.object({
  running: z.int().nonnegative(),
  pending: z.int().nonnegative(),
  bytesPerSec: z.number().nonnegative(),
  upgrades: z.array(DeviceUpgrade),
});
export type NodeUpgrades = z.infer<typeof NodeUpgrades>;

/** The cluster's upgrades: every node's listed, their counts and rates summed. */
export function sumOfNodes(nodes: readonly NodeUpgrades[]): NodeUpgrades {
  const sum = (field: 'running' | 'pending' | 'bytesPerSec') =>
    nodes.reduce((total, node) => total + node[field], 0);
  return {
    running: sum('running'),
    pending: sum('pending'),
    bytesPerSec: sum('bytesPerSec'),
    upgrades: nodes.flatMap((node) => node.upgrades),
  };
}

/** What the upgrade service knows of the other nodes; see {@link upgradeNodes}. */
export interface UpgradeNodes {
  /** How many nodes share the limits: the live nodes, at least this one. */
  share(): number;
  /** Reads the node list again (the scheduler calls it every few seconds). */
  refresh(): Promise<void>;
  /** Tells the other nodes of a manual upgrade asked here. */
  announce(request: StartUpgradeRequest, version: string): void;
  /** The other live nodes' upgrades (a node that does not answer in 2 s is left out). */
  others(): Promise<NodeUpgrades[]>;
  /** One device's upgrade on whichever other live node runs or ran it. */
  upgradeOf(deviceId: string): Promise<DeviceUpgrade | undefined>;
  stop(): void;
}

/**
 * Upgrades across a cluster's nodes. Each node offers upgrades to the agents it holds,
 * and serves their downloads, so the fleet's limits are shared out: each live node takes its
 * share of the concurrent upgrades and of the bandwidth (the sum never exceeds the limit; a
 * node holding more agents than the others is slower to get through them). A manual upgrade
 * asked on one node is queued on every node (`onRequested`), so each device is upgraded by
 * whichever node it is connected to, now or when it next connects. Each node answers for its own
 * upgrades (`ownUpgrades`), so the console's progress on any node lists every node's. A single
 * node (no cluster, or one not clustered) shares nothing.
 *
 * @example
 * const nodes = upgradeNodes(cluster, log, { onRequested: queueHere, ownUpgrades: () => mine });
 * const free = Math.floor(settings.maxConcurrent / nodes.share()) - running;
 */
export function upgradeNodes(
  cluster: Cluster | undefined,
  log: Logger,
  handlers: {
    onRequested: (request: StartUpgradeRequest, version: string) => void;
    ownUpgrades: () => NodeUpgrades;
    /** This node's upgrade of one device, if it runs or ran it (a device page asks). */
    deviceUpgrade: (deviceId: string) => DeviceUpgrade | undefined;
  },
): UpgradeNodes {
  if (!cluster?.isClustered)
    return {
      share: () => 1,
      refresh: () => Promise.resolve(),
      announce: () => undefined,
      others: () => Promise.resolve([]),
      upgradeOf: () => Promise.resolve(undefined),
      stop() {},
    };
  let live = 1;
  const stopRequests = cluster.bus.subscribe(subjects.upgradeRequested, (raw) => {
    const parsed = Requested.safeParse(raw);
    if (!parsed.success) log.warn('malformed upgrade request from another node ignored');
    else if (parsed.data.origin !== cluster.nodeId)
      handlers.onRequested(parsed.data.request, parsed.data.version);
  });
  const stopAnswering = cluster.bus.respond(subjects.nodeUpgrades(cluster.nodeId), () =>
    Promise.resolve(handlers.ownUpgrades()),
  );
  const stopAnsweringDevice = cluster.bus.respond(
    subjects.nodeDeviceUpgrade(cluster.nodeId),
    (raw) => {
      const asked = DeviceAsked.safeParse(raw);
      const upgrade = asked.success ? handlers.deviceUpgrade(asked.data.deviceId) : undefined;
      return Promise.resolve({ upgrade: upgrade ?? null });
    },
  );
  const ask = <T>(subject: string, body: object, schema: z.ZodType<T>): Promise<T | undefined> =>
    cluster.bus.request(subject, body, ASK_MS).then(
      (raw) => schema.parse(raw),
      (error: unknown) => {
        log.warn({ err: error, subject }, 'a node did not tell its agent upgrades');
        return undefined;
      },
    );
  const otherLiveNodes = async (): Promise<string[]> =>
    (await cluster.nodes())
      .filter((node) => node.isAlive && node.id !== cluster.nodeId)
      .map((node) => node.id);
  return {
    share: () => live,
    async refresh() {
      const nodes = await cluster.nodes();
      live = Math.max(1, nodes.filter((node) => node.isAlive).length);
    },
    announce(request, version) {
      cluster.bus.publish(subjects.upgradeRequested, { origin: cluster.nodeId, request, version });
    },
    async others() {
      const answers = await Promise.all(
        (await otherLiveNodes()).map((node) => ask(subjects.nodeUpgrades(node), {}, NodeUpgrades)),
      );
      return answers.filter((answer) => answer !== undefined);
    },
    async upgradeOf(deviceId) {
      const answers = await Promise.all(
        (await otherLiveNodes()).map((node) =>
          ask(subjects.nodeDeviceUpgrade(node), { deviceId }, DeviceAnswer),
        ),
      );
      return answers.find((answer) => answer?.upgrade)?.upgrade ?? undefined;
    },
    stop() {
      stopRequests();
      stopAnswering();
      stopAnsweringDevice();
    },
  };
}
