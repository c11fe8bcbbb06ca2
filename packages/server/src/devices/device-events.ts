import type { DeviceStats, UnattendedAccessMode, UserPresenceReport } from '@tether/protocol';

/**
 * What happened to a device, with what changed. Subscribers pick the kinds they act on (an
 * agent request waiting for a reply only cares that its device went offline) instead of
 * re-reading everything on a bare "device changed".
 */
export type DeviceEvent =
  /** Its agent connected (a newer connection replacing an older one counts once). */
  | { type: 'online'; deviceId: string }
  /** Its agent's connection closed. */
  | { type: 'offline'; deviceId: string }
  /** Its agent sent a statistics sample, now stored. */
  | { type: 'stats'; deviceId: string; stats: DeviceStats }
  /** Whether a user is at the device changed. */
  | { type: 'user-presence'; deviceId: string; presence: UserPresenceReport }
  /** An administrator moved it to another group. */
  | { type: 'moved'; deviceId: string }
  /** Maintenance flagged it lost or not any more, or its agent reported a local uninstall. */
  | { type: 'maintenance'; deviceId: string }
  /** An administrator renamed it or changed its comments or tags (issue 15). */
  | { type: 'changed'; deviceId: string }
  /** It was deleted (issue 15): lists drop it. */
  | { type: 'deleted'; deviceId: string }
  /** An unattended access was turned on for it (M-2). */
  | { type: 'unattended-on'; deviceId: string; accessId: string; mode: UnattendedAccessMode }
  /** A technician connected through its access, or the last session under it ended. */
  | { type: 'unattended-in-use'; deviceId: string; accessId: string; isInUse: boolean }
  /** Its accesses ended: they expired, were replaced by a new one, or were turned off (in the console or at the device). */
  | {
      type: 'unattended-off';
      deviceId: string;
      accessIds: string[];
      reason: 'expired' | 'replaced' | 'turned_off' | 'turned_off_at_device';
    };

export type DeviceEventType = DeviceEvent['type'];
export type DeviceEventOf<K extends DeviceEventType> = Extract<DeviceEvent, { type: K }>;

/**
 * The device event feed of this node. Listeners run synchronously in the order they subscribed
 * and must not throw (slow or failing work goes through the background tasks).
 *
 * @example
 * const stop = events.on('offline', ({ deviceId }) => failWaitingRequests(deviceId));
 * events.emit({ type: 'offline', deviceId });
 */
export class DeviceEvents {
  private readonly listeners = new Set<(event: DeviceEvent) => void>();

  /** Subscribes to every event; returns the unsubscribe function. */
  onAny(listener: (event: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to one kind of event; returns the unsubscribe function. */
  on<K extends DeviceEventType>(type: K, listener: (event: DeviceEventOf<K>) => void): () => void {
    return this.onAny((event) => {
      if (event.type === type) listener(event as DeviceEventOf<K>);
    });
  }

  private relaying = false;
  private holderGone = false;

  emit(event: DeviceEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /**
   * Emits an event that happened on another node of the cluster. Listeners that act only
   * where the agent was (e.g. ending a one-time agent's session) check {@link isRelayed}.
   * `holderGone`: this node concluded it (an `offline`) because the node holding the device
   * died, so no node acts as its holder: such listeners act on every node instead (their work
   * must then be done once, e.g. by a conditional update).
   */
  emitRelayed(event: DeviceEvent, options: { holderGone?: boolean } = {}): void {
    this.relaying = true;
    this.holderGone = options.holderGone === true;
    try {
      this.emit(event);
    } finally {
      this.relaying = false;
      this.holderGone = false;
    }
  }

  /** Whether the event being emitted now came from another node. */
  get isRelayed(): boolean {
    return this.relaying;
  }

  /** Whether the event being emitted now is about a device whose node died (see emitRelayed). */
  get isHolderGone(): boolean {
    return this.holderGone;
  }
}
