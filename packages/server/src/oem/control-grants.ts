import { DeviceKeyPermission } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { ControlGrantRef } from '../store/shared-state-repository.js';
import type { Store } from '../store/store.js';

/** A control request this server answered: what its one-time URL may open, and for whom. */
export interface ControlGrant {
  tenantId: string;
  deviceId: string;
  deviceKeyId: string;
  targetNonce: string;
  controlType: DeviceKeyPermission;
  /** The script token that asked: revoking it voids the URL too. */
  tokenId: string;
  expiresAt: number;
}

/** Expired grants are deleted at most this often per node. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The open control grants, each usable once, in the store so that a URL opened on two nodes at
 * the same moment is taken by exactly one. Taking a grant removes it whatever follows
 * (one DELETE … RETURNING), like the device consumes its secret on the first attempt.
 *
 * @example
 * const grant = await grants.take({ deviceId, deviceKeyId, targetNonce });
 */
export class ControlGrants {
  /** Live sessions this node opened through a device key, to end them when the key goes. */
  private readonly sessionsByKey = new Map<string, Set<string>>();
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: { store: Store; clock: Clock; log: Logger }) {}

  async add(grant: ControlGrant): Promise<void> {
    this.prune();
    await this.deps.store.controlGrants.add({ ...grant, expiresAt: new Date(grant.expiresAt) });
  }

  /** Removes and returns the grant if it exists and has not expired. */
  async take(ref: ControlGrantRef): Promise<ControlGrant | undefined> {
    const grant = await this.deps.store.controlGrants.take(ref);
    if (!grant || grant.expiresAt.getTime() <= this.deps.clock.now().getTime()) return undefined;
    const controlType = DeviceKeyPermission.safeParse(grant.controlType);
    if (!controlType.success) return undefined;
    return { ...grant, controlType: controlType.data, expiresAt: grant.expiresAt.getTime() };
  }

  /** Drops every open grant of a key (the key was unregistered). */
  async dropKey(deviceId: string, deviceKeyId: string): Promise<void> {
    await this.deps.store.controlGrants.dropKey(deviceId, deviceKeyId);
  }

  addSession(deviceId: string, deviceKeyId: string, sessionId: string): void {
    const key = `${deviceId}\n${deviceKeyId}`;
    const sessions = this.sessionsByKey.get(key) ?? new Set<string>();
    sessions.add(sessionId);
    this.sessionsByKey.set(key, sessions);
  }

  /** Removes and returns the sessions opened with a key. */
  takeSessions(deviceId: string, deviceKeyId: string): string[] {
    const key = `${deviceId}\n${deviceKeyId}`;
    const sessions = [...(this.sessionsByKey.get(key) ?? [])];
    this.sessionsByKey.delete(key);
    return sessions;
  }

  /** Deletes expired grants, at most once a minute, in the background. */
  private prune(): void {
    const now = this.deps.clock.now();
    if (now.getTime() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now.getTime();
    this.deps.store.controlGrants
      .prune(now)
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'cannot prune control grants'));
  }
}
