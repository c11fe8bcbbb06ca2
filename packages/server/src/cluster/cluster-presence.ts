import { DeviceNetwork, ServerMessage, UserPresenceReport, wsCloseCode } from '@tether/protocol';
import { z } from 'zod';
import { repeat, type Clock } from '../clock.js';
import type { DeviceEvent } from '../devices/device-events.js';
import type { AgentLink, DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import { turnBatch } from '../store/turn-batch.js';
import type { Cluster } from './cluster.js';
import { subjects } from './subjects.js';

/** What the other nodes need to know of an agent to act on it (a remote AgentLink's fields). */
const AgentFacts = z.object({
  deviceId: z.string(),
  capabilities: z.array(z.string()),
  userPresence: UserPresenceReport.optional(),
  hasDesktop: z.boolean().optional(),
  /** Epoch ms at the holding node: of two nodes claiming one agent, the later connection wins. */
  connectedAt: z.number().optional(),
  /** The device's network from its agent's hello: the other nodes' Wake-on-LAN relays. */
  network: DeviceNetwork.optional(),
});
type AgentFacts = z.infer<typeof AgentFacts>;

/** A DeviceEvent on the bus: the event, the node it happened on, and the agent's facts when it came online. */
const EventMessage = z.object({
  origin: z.string(),
  // Each kind's fields are this server's own DeviceEvent; the type and device are checked.
  event: z.looseObject({ type: z.string(), deviceId: z.string() }),
  agent: AgentFacts.optional(),
});
const CloseMessage = z.object({ code: z.number().int(), reason: z.string() });
const NodeAgents = z.array(AgentFacts.extend({ nodeId: z.string() }));
/** A node's whole list of agents, announced when its bus comes back after an outage. */
const NodeAgentsAnnounced = z.object({ origin: z.string(), agents: NodeAgents });

/** An agent held by another node: its messages go over the bus to whichever node holds it. */
class RemoteAgentLink implements AgentLink {
  readonly deviceId: string;
  readonly capabilities: readonly string[];
  userPresence: AgentFacts['userPresence'];
  readonly hasDesktop: boolean | undefined;
  readonly network: DeviceNetwork | undefined;
  /** When it connected at its node (epoch ms; 0 when unknown). */
  readonly connectedAt: number;

  constructor(
    facts: AgentFacts,
    readonly nodeId: string,
    private readonly cluster: Cluster,
  ) {
    this.deviceId = facts.deviceId;
    this.capabilities = facts.capabilities;
    this.userPresence = facts.userPresence;
    this.hasDesktop = facts.hasDesktop;
    this.network = facts.network;
    this.connectedAt = facts.connectedAt ?? 0;
  }

  send(message: ServerMessage): void {
    this.cluster.bus.publish(subjects.deviceSend(this.deviceId), message);
  }

  close(code: number, reason: string): void {
    this.cluster.bus.publish(subjects.deviceClose(this.deviceId), { code, reason });
  }
}

function factsOf(link: AgentLink, connectedAt: number | undefined): AgentFacts {
  return {
    deviceId: link.deviceId,
    ...(connectedAt === undefined ? {} : { connectedAt }),
    capabilities: [...link.capabilities],
    ...(link.userPresence ? { userPresence: link.userPresence } : {}),
    ...(link.hasDesktop === undefined ? {} : { hasDesktop: link.hasDesktop }),
    ...(link.network ? { network: link.network } : {}),
  };
}

/** What {@link joinClusterPresence} needs. */
export interface ClusterPresenceDeps {
  cluster: Cluster;
  presence: DevicePresence;
  store: Store;
  clock: Clock;
  log: Logger;
  /** How often the node list is read to drop the agents of nodes whose lease ran out. */
  checkEveryMs: number;
}

/** A device this node now holds (`at`: since when) or no longer holds (no `at`). */
interface HoldChange {
  deviceId: string;
  at?: Date;
}

/**
 * Makes this node's presence cluster-wide (X-3): its own agents are written to `device_nodes`
 * and reachable on `tether.device.<id>.send/close`; its device events go out on `tether.events`
 * and the other nodes' come in (their agents become remote links); at start it asks every live
 * node for its agents; the agents of a node whose lease ran out drop out. A single node does
 * nothing here: no subscription, no write, its speed unchanged. When the bus comes back after an
 * outage (events may have been lost), the node asks every live node for its agents again and
 * announces its own, and each node replaces what it knew of the other's agents with the list.
 *
 * @example
 * const stop = await joinClusterPresence({ cluster, presence, store, clock, log, checkEveryMs: 5000 });
 */
export async function joinClusterPresence(deps: ClusterPresenceDeps): Promise<() => Promise<void>> {
  const { cluster, presence, store, clock, log } = deps;
  if (!cluster.isClustered) return () => Promise.resolve();
  const self = cluster.nodeId;
  /** When each of this node's agents connected (epoch ms). */
  const connectedAt = new Map<string, number>();
  const relay = (event: DeviceEvent): void => presence.events.emitRelayed(event);
  /**
   * `device_nodes` writes, a batch at a time (a reconnect storm holds thousands of devices): a
   * device's last change in a batch is the one written, so a hold and a release in one batch
   * leave it released.
   */
  const writeHolds = turnBatch(async (changes: readonly HoldChange[]) => {
    const last = new Map(changes.map((change) => [change.deviceId, change]));
    const changed = [...last.values()];
    const holds = changed.flatMap(({ deviceId, at }) =>
      at ? [{ deviceId, nodeId: self, at }] : [],
    );
    const releases = changed.flatMap(({ deviceId, at }) => (at ? [] : [deviceId]));
    await Promise.all([
      store.deviceNodes.holdMany(holds),
      store.deviceNodes.releaseMany(releases, self),
    ]);
    return changes.map(() => undefined);
  });
  /** Writes not landed yet: leaving waits for them, so none lands after the node's release. */
  const unwritten = new Set<Promise<void>>();
  const record = (what: string, change: HoldChange): void => {
    const written = writeHolds(change)
      .catch((error: unknown) =>
        log.warn({ err: error, deviceId: change.deviceId }, `device_nodes: ${what} failed`),
      )
      .finally(() => unwritten.delete(written));
    unwritten.add(written);
  };

  presence.observe({
    connected(link) {
      const now = clock.now();
      connectedAt.set(link.deviceId, now.getTime());
      record('hold', { deviceId: link.deviceId, at: now });
    },
    disconnected(link) {
      connectedAt.delete(link.deviceId);
      record('release', { deviceId: link.deviceId });
    },
  });

  // Messages for agents held here, from the nodes that do not hold them (RemoteAgentLink).
  const stopSend = cluster.bus.subscribe(subjects.anyDeviceSend, (message, subject) => {
    const link = presence.local(subjects.deviceOf(subject));
    if (!link) return;
    const parsed = ServerMessage.safeParse(message);
    if (parsed.success) link.send(parsed.data);
    else log.warn({ deviceId: link.deviceId }, 'malformed agent message from another node ignored');
  });
  const stopClose = cluster.bus.subscribe(subjects.anyDeviceClose, (message, subject) => {
    const link = presence.local(subjects.deviceOf(subject));
    const parsed = CloseMessage.safeParse(message);
    if (link && parsed.success) link.close(parsed.data.code, parsed.data.reason);
  });

  const stopEvents = presence.events.onAny((event) => {
    if (presence.events.isRelayed) return;
    const link = event.type === 'online' ? presence.local(event.deviceId) : undefined;
    cluster.bus.publish(subjects.events, {
      origin: self,
      event,
      ...(link ? { agent: factsOf(link, connectedAt.get(link.deviceId)) } : {}),
    });
  });

  /** Takes the word of another node's agent; false when a newer connection (here or elsewhere) wins. */
  const remoteOnline = (facts: AgentFacts, nodeId: string): boolean => {
    const ownSince = connectedAt.get(facts.deviceId);
    const theirs = facts.connectedAt ?? 0;
    // A late word of an older connection elsewhere does not replace a newer one here (a tie
    // goes to the greater node id, the same on both sides).
    if (ownSince !== undefined && (theirs < ownSince || (theirs === ownSince && nodeId < self)))
      return false;
    // Nor a third node's newer one: the nodes' words arrive in no common order (an agent that
    // left A for B: B's "online" may come before A's older "online" and its "offline").
    const known = presence.get(facts.deviceId);
    if (known instanceof RemoteAgentLink && known.nodeId !== nodeId && known.connectedAt > theirs)
      return false;
    const replaced = presence.connectRemote(new RemoteAgentLink(facts, nodeId, cluster));
    replaced?.close(wsCloseCode.CONFLICT, 'Replaced by a newer connection from the same device.');
    return true;
  };
  const remoteOf = (deviceId: string, nodeId: string): RemoteAgentLink | undefined => {
    const link = presence.get(deviceId);
    return link instanceof RemoteAgentLink && link.nodeId === nodeId ? link : undefined;
  };
  const stopIncoming = cluster.bus.subscribe(subjects.events, (message) => {
    const parsed = EventMessage.safeParse(message);
    if (!parsed.success) {
      log.warn('malformed device event from another node ignored');
      return;
    }
    const { origin, agent } = parsed.data;
    const event = parsed.data.event as DeviceEvent;
    if (origin === self) return;
    if (event.type === 'online') {
      if (!agent || !remoteOnline(agent, origin)) return;
    } else if (event.type === 'offline') {
      // A device that moved on (to this node or a third) is not offline.
      const link = remoteOf(event.deviceId, origin);
      if (!link || !presence.disconnectRemote(link)) return;
    } else if (event.type === 'user-presence') {
      const link = remoteOf(event.deviceId, origin);
      if (link) link.userPresence = event.presence;
    }
    relay(event);
  });

  const ownAgents = (): z.infer<typeof NodeAgents> =>
    [...presence.all()].map((link) => ({
      ...factsOf(link, connectedAt.get(link.deviceId)),
      nodeId: self,
    }));
  const stopAnswering = cluster.bus.respond(subjects.nodeAgents(self), () =>
    Promise.resolve(ownAgents()),
  );

  /**
   * Takes `nodeId`'s whole list of agents as the truth about that node: its agents known here
   * but not listed drop out, listed ones not known here come in (unless a newer connection
   * elsewhere holds them). `tell` relays each change as a device event (not at start: nobody
   * listens yet).
   */
  const adopt = (nodeId: string, agents: AgentFacts[], tell: boolean): void => {
    const listed = new Set(agents.map((agent) => agent.deviceId));
    for (const link of [...presence.remoteLinks()]) {
      if (!(link instanceof RemoteAgentLink) || link.nodeId !== nodeId) continue;
      if (listed.has(link.deviceId) || !presence.disconnectRemote(link)) continue;
      if (tell) relay({ type: 'offline', deviceId: link.deviceId });
    }
    for (const agent of agents) {
      const known = presence.get(agent.deviceId);
      if (known instanceof RemoteAgentLink) {
        if (known.nodeId === nodeId) {
          known.userPresence = agent.userPresence;
          continue;
        }
        if (known.connectedAt > (agent.connectedAt ?? 0)) continue;
      }
      const wasOnline = known !== undefined;
      if (remoteOnline(agent, nodeId) && tell && !wasOnline)
        relay({ type: 'online', deviceId: agent.deviceId });
    }
  };
  const learnFrom = async (nodeId: string, tell: boolean): Promise<void> => {
    try {
      const agents = NodeAgents.parse(
        await cluster.bus.request(subjects.nodeAgents(nodeId), {}, 5000),
      );
      adopt(nodeId, agents, tell);
    } catch (error) {
      log.warn({ err: error, node: nodeId }, 'cannot learn the agents of another node');
    }
  };
  const learnAll = async (tell: boolean): Promise<void> => {
    const listed = await cluster.nodes().catch((error: unknown) => {
      log.warn({ err: error }, 'cannot read the cluster’s nodes; their agents appear as they act');
      return [];
    });
    const others = listed.filter((node) => node.isAlive && node.id !== self);
    await Promise.all(others.map((node) => learnFrom(node.id, tell)));
  };

  const stopAnnounced = cluster.bus.subscribe(subjects.nodeAgentsAnnounced, (message) => {
    const parsed = NodeAgentsAnnounced.safeParse(message);
    if (!parsed.success) return log.warn('malformed agent list from another node ignored');
    if (parsed.data.origin !== self) adopt(parsed.data.origin, parsed.data.agents, true);
  });
  const stopResync = cluster.onReconnected(() => {
    log.info('the bus is back: learning the cluster’s agents again and announcing this node’s');
    cluster.bus.publish(subjects.nodeAgentsAnnounced, { origin: self, agents: ownAgents() });
    learnAll(true).catch((error: unknown) =>
      log.warn({ err: error }, 'cannot learn the cluster’s agents again'),
    );
  });

  /** Drops the agents of nodes that are gone (lease ran out, or left). */
  const dropDeadNodes = async (): Promise<void> => {
    const alive = new Set(
      (await cluster.nodes()).filter((node) => node.isAlive).map((node) => node.id),
    );
    for (const link of [...presence.remoteLinks()]) {
      if (!(link instanceof RemoteAgentLink) || alive.has(link.nodeId)) continue;
      if (presence.disconnectRemote(link))
        presence.events.emitRelayed(
          { type: 'offline', deviceId: link.deviceId },
          { holderGone: true },
        );
    }
  };
  const stopChecking = repeat(
    clock,
    () => {
      dropDeadNodes().catch((error: unknown) =>
        log.warn({ err: error }, 'cannot read the cluster’s nodes'),
      );
    },
    deps.checkEveryMs,
  );

  // The agents the other nodes hold already (each live node answers for its own).
  await learnAll(false);

  return async () => {
    stopResync();
    stopAnnounced();
    stopChecking();
    stopAnswering();
    stopIncoming();
    stopEvents();
    stopClose();
    stopSend();
    await Promise.all(unwritten);
    await store.deviceNodes.releaseNode(self);
  };
}
