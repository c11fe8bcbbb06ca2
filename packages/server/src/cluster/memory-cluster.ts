import { TETHER_VERSION } from '@tether/protocol';
import { MemoryBusHub, type Cluster, type ClusterNode } from './cluster.js';

/**
 * Several nodes in one process (tests): one in-process bus and one node list shared by every
 * member. A member is alive from its start until it closes.
 *
 * @example
 * const group = new MemoryClusterGroup();
 * const a = group.join('node-a', () => urlOfA);
 */
export class MemoryClusterGroup {
  readonly hub = new MemoryBusHub();
  private readonly members = new Map<
    string,
    { node: ClusterNode; url: () => string; agents: () => number }
  >();
  private readonly reconnected = new Set<() => void>();

  /** The bus goes down (an outage, as when NATS stops): messages are lost, requests fail. */
  outage(): void {
    this.hub.isDown = true;
  }

  /** The bus is back: every member hears it reconnected. */
  restore(): void {
    this.hub.isDown = false;
    for (const listener of [...this.reconnected]) listener();
  }

  /** A node of this group; `url` is read when asked (its listener is bound after it joins). */
  join(nodeId: string, url: () => string, options: { agents?: () => number } = {}): Cluster {
    const startedAt = new Date();
    const bus = this.hub.bus();
    const agents = options.agents ?? (() => 0);
    this.members.set(nodeId, {
      url,
      agents,
      node: {
        id: nodeId,
        url: '',
        version: TETHER_VERSION,
        startedAt,
        lastHeartbeatAt: startedAt,
        agents: 0,
        isAlive: true,
      },
    });
    return {
      nodeId,
      isClustered: true,
      bus,
      nodes: () =>
        Promise.resolve(
          // As a heartbeat would say: each member's own count, read now.
          [...this.members.values()].map((member) => ({
            ...member.node,
            url: readUrl(member.url),
            lastHeartbeatAt: new Date(),
            agents: member.agents(),
          })),
        ),
      nodeUrl: (id) => {
        const member = this.members.get(id);
        return Promise.resolve(member && readUrl(member.url));
      },
      onReconnected: (listener) => {
        this.reconnected.add(listener);
        return () => this.reconnected.delete(listener);
      },
      close: async () => {
        this.members.delete(nodeId);
        await bus.close();
      },
    };
  }
}

/** A node's URL, or '' while it is starting (its URL is known once its listener is bound). */
function readUrl(url: () => string): string {
  try {
    return url();
  } catch {
    return '';
  }
}
