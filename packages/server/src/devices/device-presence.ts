import type { DeviceNetwork, ServerMessage, UserPresenceReport } from '@tether/protocol';
import { DeviceEvents } from './device-events.js';

/** An authenticated agent control channel, as the domain sees it. */
export interface AgentLink {
  readonly deviceId: string;
  /** What the agent can do beyond the base protocol (M-4). */
  readonly capabilities: readonly string[];
  /** Whether a user is at the device, as last reported. */
  readonly userPresence: UserPresenceReport | undefined;
  /** Whether the agent can serve desktop sessions; undefined when it does not say. */
  readonly hasDesktop?: boolean | undefined;
  /** Where the device sits on its network, as its agent said at connection (A-11's relays). */
  readonly network?: DeviceNetwork | undefined;
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** What the cluster layer is told of this node's own links (cluster/cluster-presence.ts). */
export interface LocalLinkObserver {
  connected(link: AgentLink): void;
  disconnected(link: AgentLink): void;
}

/**
 * Which devices are connected, and the feed of what happens to them (the console's live view,
 * requests waiting on an agent). One link per device: a new connection replaces the old one.
 *
 * A node holds its own agents' links; in a cluster (X-3) it also knows the agents of the other
 * nodes as remote links (sending over the bus), so `get`, `isOnline` and `onlineIds` answer for
 * the whole cluster while `size` and `all()` are this node's own connections (its heartbeat,
 * metrics, key hand-overs, upgrades).
 */
export class DevicePresence {
  private readonly links = new Map<string, AgentLink>();
  private readonly remote = new Map<string, AgentLink>();
  private observer: LocalLinkObserver | undefined;
  readonly events = new DeviceEvents();

  /** Registers a link; returns the link it replaced, which the caller closes. */
  connect(link: AgentLink): AgentLink | undefined {
    const previous = this.links.get(link.deviceId);
    this.links.set(link.deviceId, link);
    if (this.remote.size > 0) this.remote.delete(link.deviceId);
    this.observer?.connected(link);
    this.events.emit({ type: 'online', deviceId: link.deviceId });
    return previous;
  }

  /** Removes the link if it is still the current one for its device. */
  disconnect(link: AgentLink): boolean {
    if (this.links.get(link.deviceId) !== link) return false;
    this.links.delete(link.deviceId);
    this.observer?.disconnected(link);
    this.events.emit({ type: 'offline', deviceId: link.deviceId });
    return true;
  }

  get(deviceId: string): AgentLink | undefined {
    return this.links.get(deviceId) ?? this.remote.get(deviceId);
  }

  isOnline(deviceId: string): boolean {
    return this.links.has(deviceId) || this.remote.has(deviceId);
  }

  /** Agents connected to this node. */
  get size(): number {
    return this.links.size;
  }

  /** The links of the agents connected to this node. */
  all(): IterableIterator<AgentLink> {
    return this.links.values();
  }

  /** Online devices of the whole cluster (a device is either this node's or another's). */
  get onlineCount(): number {
    return this.links.size + this.remote.size;
  }

  /** Every online device of the cluster (this node's and the others'). */
  onlineIds(): string[] {
    return this.remote.size === 0
      ? [...this.links.keys()]
      : [...new Set([...this.links.keys(), ...this.remote.keys()])];
  }

  /** This node's own link of a device, never a remote one. */
  local(deviceId: string): AgentLink | undefined {
    return this.links.get(deviceId);
  }

  /** The cluster layer follows this node's links (one observer). */
  observe(observer: LocalLinkObserver): void {
    this.observer = observer;
  }

  /**
   * Another node holds the device's agent now: its remote link replaces any link here. Returns
   * this node's own link it replaced (the caller closes it; its disconnect is then a no-op).
   */
  connectRemote(link: AgentLink): AgentLink | undefined {
    const previous = this.links.get(link.deviceId);
    this.links.delete(link.deviceId);
    if (previous) this.observer?.disconnected(previous);
    this.remote.set(link.deviceId, link);
    return previous;
  }

  /** Forgets a remote link if it is still the current one; whether it was. */
  disconnectRemote(link: AgentLink): boolean {
    if (this.remote.get(link.deviceId) !== link) return false;
    this.remote.delete(link.deviceId);
    return true;
  }

  /** The remote links, to drop those of a node that died. */
  remoteLinks(): IterableIterator<AgentLink> {
    return this.remote.values();
  }
}
