import type { ServerMessage, UserPresenceReport } from '@tether/protocol';
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
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/**
 * Which devices are connected to this node, and the feed of what happens to them (the console's
 * live view, requests waiting on an agent). One link per device: a new connection replaces the
 * old one.
 */
export class DevicePresence {
  private readonly links = new Map<string, AgentLink>();
  readonly events = new DeviceEvents();

  /** Registers a link; returns the link it replaced, which the caller closes. */
  connect(link: AgentLink): AgentLink | undefined {
    const previous = this.links.get(link.deviceId);
    this.links.set(link.deviceId, link);
    this.events.emit({ type: 'online', deviceId: link.deviceId });
    return previous;
  }

  /** Removes the link if it is still the current one for its device. */
  disconnect(link: AgentLink): boolean {
    if (this.links.get(link.deviceId) !== link) return false;
    this.links.delete(link.deviceId);
    this.events.emit({ type: 'offline', deviceId: link.deviceId });
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
}
