import type { UnattendedAccessMode, UnattendedAccessState } from '@tether/protocol';

/**
 * An unattended access (M-2). Tables: `store/migrations/unattended.ts`. The one-time password
 * is stored only as a scrypt hash.
 */
export interface UnattendedAccessRecord {
  /** Nine digits, unique. */
  id: string;
  deviceId: string;
  mode: UnattendedAccessMode;
  state: UnattendedAccessState;
  passwordHash: string;
  createdAt: Date;
  /** The technician who made it. */
  createdBy: string;
  /** When it stops working; null while a session runs under it. */
  expiresAt: Date | null;
  /** The technician whose sessions run under it now; null when none. */
  holderUserId: string | null;
  lastConnectedAt: Date | null;
  endedAt: Date | null;
}

/**
 * What {@link UnattendedRepository.create} did: `id-taken` when another access has that ID,
 * `device-busy` when the device already has a live access (at most one per device).
 */
export type UnattendedCreateOutcome = 'created' | 'id-taken' | 'device-busy';

/** Persistence of unattended accesses; state changes are conditional UPDATEs. */
export interface UnattendedRepository {
  create(
    access: Omit<UnattendedAccessRecord, 'holderUserId' | 'lastConnectedAt' | 'endedAt'>,
  ): Promise<UnattendedCreateOutcome>;
  find(id: string): Promise<UnattendedAccessRecord | undefined>;
  /** Newest first; `groups`: only of devices in these groups (rights per device group). */
  list(options: {
    limit: number;
    deviceId?: string;
    groups?: readonly string[];
  }): Promise<UnattendedAccessRecord[]>;
  /** `waiting`, `connected` and `idle` accesses, of one device or of all. */
  listLive(deviceId?: string): Promise<UnattendedAccessRecord[]>;
  /**
   * `waiting`/`idle`/`connected` → `connected` by `userId` (no expiry while connected). Returns
   * false when the access is no longer live or another technician holds it.
   */
  connect(id: string, input: { userId: string; at: Date }): Promise<boolean>;
  /** `connected` → `idle`, expiring at `expiresAt`. */
  release(id: string, input: { expiresAt: Date }): Promise<void>;
  /** Live accesses whose `expiresAt` has passed → `expired`; returns them. */
  expireDue(now: Date): Promise<UnattendedAccessRecord[]>;
  /** A live access → `revoked`. Returns false when it was not live. */
  revoke(id: string, at: Date): Promise<boolean>;
  /** Every live access of a device → `revoked`; returns those it revoked. */
  revokeLive(deviceId: string, at: Date): Promise<UnattendedAccessRecord[]>;
  /** After a restart no session runs: `connected` → `idle`, expiring at `expiresAt`. */
  releaseAll(expiresAt: Date): Promise<number>;
}
