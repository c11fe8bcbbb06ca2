import type { CreateSessionResponse } from '@tether/protocol';
import type { DevicePresence } from '../devices/device-presence.js';
import type { BackgroundTasks } from '../jobs/background-tasks.js';
import type { Store } from '../store/store.js';

/** What {@link AccessSessions} needs of the unattended service. */
export interface AccessSessionsDeps {
  store: Store;
  presence: DevicePresence;
  tasks: BackgroundTasks;
  /** When an access no session uses any more expires (its idle timer). */
  expiryFromNow(): Date;
}

/**
 * The sessions running under each unattended access on this node. An access is in use from its
 * first session; when the last one ends, it is released in the store (its idle timer starts) and
 * the console hears it is free again.
 */
export class AccessSessions {
  private readonly running = new Map<string, Set<string>>();

  constructor(private readonly deps: AccessSessionsDeps) {}

  /** The sessions running under an access (ended when it is revoked). */
  of(accessId: string): Iterable<string> {
    return this.running.get(accessId) ?? [];
  }

  /**
   * Opens a session under an access the store has just marked connected: `open` creates it and
   * must call `onFinished` once it is over. When it cannot be opened and no other session uses
   * the access, the access is released at once.
   *
   * @example
   * const created = await accessSessions.open(access, (onFinished) =>
   *   sessions.create(user, request, sourceAddress, { accessId: access.id, onFinished }),
   * );
   */
  async open(
    access: { id: string; deviceId: string },
    open: (onFinished: () => void) => Promise<CreateSessionResponse>,
  ): Promise<CreateSessionResponse> {
    this.emitInUse(access, true);
    const sessions = this.running.get(access.id) ?? new Set<string>();
    this.running.set(access.id, sessions);
    let sessionId = '';
    const onFinished = (): void => {
      sessions.delete(sessionId);
      if (sessions.size === 0) {
        this.running.delete(access.id);
        this.deps.tasks.run(
          'release an unattended access after its last session',
          () =>
            this.deps.store.unattended
              .release(access.id, { expiresAt: this.deps.expiryFromNow() })
              .then(() => this.emitInUse(access, false)),
          { accessId: access.id },
        );
      }
    };
    try {
      const created = await open(onFinished);
      sessionId = created.session.id;
      sessions.add(sessionId);
      return created;
    } catch (error) {
      if (sessions.size === 0) onFinished();
      throw error;
    }
  }

  private emitInUse(access: { id: string; deviceId: string }, isInUse: boolean): void {
    this.deps.presence.events.emit({
      type: 'unattended-in-use',
      deviceId: access.deviceId,
      accessId: access.id,
      isInUse,
    });
  }
}
