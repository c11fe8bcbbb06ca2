import type { ServerMessage, UserPresenceReport } from '@tether/protocol';

/** An authenticated agent control channel, as the domain sees it. */
export interface AgentLink {
  readonly deviceId: string;
  /** What the agent can do beyond the base protocol (M-4). */
  readonly capabilities: readonly string[];
  /** Whether a user is at the device, as last reported. */
  readonly userPresence: UserPresenceReport | undefined;
  /** Whether the agent can serve desktop sessions; undefined when it does not say. */
  readonly hasDesktop?: boolean | undefined;
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/**
 * Which devices are connected to this node, and a change feed for the console's live view.
 * One link per device: a new connection replaces the old one.
 */
export class DevicePresence {
  private readonly links = new Map<string, AgentLink>();
  private readonly listeners = new Set<(deviceId: string) => void>();

  /** Registers a link; returns the link it replaced, which the caller closes. */
  connect(link: AgentLink): AgentLink | undefined {
    const previous = this.links.get(link.deviceId);
    this.links.set(link.deviceId, link);
    this.notify(link.deviceId);
    return previous;
  }

  /** Removes the link if it is still the current one for its device. */
  disconnect(link: AgentLink): boolean {
    if (this.links.get(link.deviceId) !== link) return false;
    this.links.delete(link.deviceId);
    this.notify(link.deviceId);
    return true;
  }

  get(deviceId: string): AgentLink | undefined {
    return this.links.get(deviceId);
  }

  isOnline(deviceId: string): boolean {
    return this.links.has(deviceId);
  }

  get size(): number {
    return this.links.size;
  }

  all(): IterableIterator<AgentLink> {
    return this.links.values();
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (deviceId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(deviceId: string): void {
    for (const listener of this.listeners) listener(deviceId);
  }
}
