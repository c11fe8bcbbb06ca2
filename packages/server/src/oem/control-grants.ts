import type { DeviceKeyPermission } from '@tether/protocol';
import type { Clock } from '../clock.js';

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

/** Most grants kept at once; the oldest go first (a flood of requests cannot grow memory). */
const MAX_GRANTS = 10_000;

/**
 * The open control grants of this node, each usable once. Taking a grant removes it whatever
 * follows, like the device consumes its secret on the first attempt. A server restart drops
 * them: URLs issued before it must be requested again.
 *
 * @example
 * const grant = grants.take({ deviceId, deviceKeyId, targetNonce });
 */
export class ControlGrants {
  private readonly grants = new Map<string, ControlGrant>();
  /** Live sessions opened through a device key, to end them when the key is unregistered. */
  private readonly sessionsByKey = new Map<string, Set<string>>();

  constructor(private readonly clock: Clock) {}

  add(grant: ControlGrant): void {
    this.prune();
    if (this.grants.size >= MAX_GRANTS) {
      const oldest = this.grants.keys().next().value;
      if (oldest !== undefined) this.grants.delete(oldest);
    }
    this.grants.set(grantKey(grant), grant);
  }

  /** Removes and returns the grant if it exists and has not expired. */
  take(
    ref: Pick<ControlGrant, 'deviceId' | 'deviceKeyId' | 'targetNonce'>,
  ): ControlGrant | undefined {
    const key = grantKey(ref);
    const grant = this.grants.get(key);
    this.grants.delete(key);
    if (!grant || grant.expiresAt <= this.clock.now().getTime()) return undefined;
    return grant;
  }

  /** Drops every open grant of a key (the key was unregistered). */
  dropKey(deviceId: string, deviceKeyId: string): void {
    for (const [key, grant] of this.grants) {
      if (grant.deviceId === deviceId && grant.deviceKeyId === deviceKeyId) this.grants.delete(key);
    }
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

  private prune(): void {
    const now = this.clock.now().getTime();
    for (const [key, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(key);
  }
}

function grantKey(ref: Pick<ControlGrant, 'deviceId' | 'deviceKeyId' | 'targetNonce'>): string {
  return `${ref.deviceId}\n${ref.deviceKeyId}\n${ref.targetNonce}`;
}
