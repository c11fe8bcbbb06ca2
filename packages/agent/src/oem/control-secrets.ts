import { createHash, timingSafeEqual } from 'node:crypto';
import type { DeviceKeyPermission } from '@tether/protocol/agent';
import type { Clock } from '../clock.js';

/** How long a master secret can be redeemed after `requestControl`. */
export const CONTROL_SECRET_TTL_MS = 5 * 60_000;
/** Pending secrets kept at most; the oldest goes first (bounds memory whatever callers do). */
const MAX_PENDING = 1000;

/** A master secret waiting for its one use. */
export interface PendingControl {
  tenantId: string;
  deviceKeyId: string;
  targetNonce: string;
  /** base64url HMAC-SHA512, as the integrator will present it. */
  masterSecret: string;
  controlType: DeviceKeyPermission;
}

/** The one-time master secrets of this agent, in memory only (a restart voids them). */
export interface ControlSecrets {
  add(pending: PendingControl): void;
  /**
   * Takes the secret for this key + nonce out (whatever the outcome: a wrong guess burns it)
   * and returns its control type when tenant and secret match and it has not expired.
   */
  redeem(attempt: Omit<PendingControl, 'controlType'>): DeviceKeyPermission | undefined;
  /** Forgets every pending secret of a device key (it was unregistered). */
  forgetKey(deviceKeyId: string): void;
}

const keyOf = (deviceKeyId: string, targetNonce: string): string =>
  `${deviceKeyId.toLowerCase()}\n${targetNonce}`;

/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Keeps master secrets for one use with a short expiry on the injected clock.
 *
 * @example
 * const secrets = createControlSecrets({ clock });
 * secrets.add({ tenantId, deviceKeyId, targetNonce, masterSecret, controlType: 'attended' });
 */
export function createControlSecrets(options: { clock: Clock; ttlMs?: number }): ControlSecrets {
  const ttlMs = options.ttlMs ?? CONTROL_SECRET_TTL_MS;
  const pending = new Map<string, PendingControl & { expiresAt: number }>();

  const dropExpired = (): void => {
    const now = options.clock.now().getTime();
    for (const [key, entry] of pending) if (entry.expiresAt <= now) pending.delete(key);
  };

  return {
    add(entry) {
      dropExpired();
      while (pending.size >= MAX_PENDING) {
        const oldest = pending.keys().next();
        if (oldest.done) break;
        pending.delete(oldest.value);
      }
      pending.set(keyOf(entry.deviceKeyId, entry.targetNonce), {
        ...entry,
        expiresAt: options.clock.now().getTime() + ttlMs,
      });
    },
    redeem(attempt) {
      const key = keyOf(attempt.deviceKeyId, attempt.targetNonce);
      const entry = pending.get(key);
      pending.delete(key);
      if (!entry) return undefined;
      const isSecretRight = secretsEqual(entry.masterSecret, attempt.masterSecret);
      const isTenantRight = entry.tenantId === attempt.tenantId;
      const isFresh = options.clock.now().getTime() < entry.expiresAt;
      return isSecretRight && isTenantRight && isFresh ? entry.controlType : undefined;
    },
    forgetKey(deviceKeyId) {
      const prefix = `${deviceKeyId.toLowerCase()}\n`;
      for (const key of pending.keys()) if (key.startsWith(prefix)) pending.delete(key);
    },
  };
}
