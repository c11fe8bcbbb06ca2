/**
 * One-time and counted state that every node of a cluster must see the same. Tables:
 * `store/migrations/shared-state.ts`. Each one-time thing is consumed by one conditional
 * statement (UPDATE/DELETE … RETURNING), so two nodes racing for it cannot both get it.
 */

/** A relay token as stored (only its hash). */
export interface RelayTicketRecord {
  tokenHash: string;
  sessionId: string;
  role: 'console' | 'agent' | 'guest';
  guestId: string | null;
  expiresAt: Date;
  isUsed: boolean;
  isSessionEnded: boolean;
}

/** One-time relay tokens (DESIGN.md, Sessions step 1). */
export interface RelayTicketRepository {
  issue(ticket: Omit<RelayTicketRecord, 'isUsed' | 'isSessionEnded'>): Promise<void>;
  /**
   * Marks the token used if it is this session's, unused, its session not ended, and not
   * expired at `at`; returns what it admits. Undefined otherwise (read it to say why).
   */
  consume(
    tokenHash: string,
    input: { sessionId: string; at: Date },
  ): Promise<Pick<RelayTicketRecord, 'role' | 'guestId'> | undefined>;
  find(tokenHash: string): Promise<RelayTicketRecord | undefined>;
  /** Every token of the session now says its session ended. */
  endSession(sessionId: string): Promise<void>;
  /** Deletes tokens that expired before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** An open OEM control URL (O-2). */
export interface ControlGrantRecord {
  tenantId: string;
  deviceId: string;
  deviceKeyId: string;
  targetNonce: string;
  controlType: string;
  tokenId: string;
  expiresAt: Date;
}

/** What names one control URL. */
export type ControlGrantRef = Pick<ControlGrantRecord, 'deviceId' | 'deviceKeyId' | 'targetNonce'>;

/** Open OEM control URLs, each taken once. */
export interface ControlGrantRepository {
  /** Adds the grant (replacing one with the same reference). */
  add(grant: ControlGrantRecord): Promise<void>;
  /** Deletes and returns the grant, expired or not (the caller checks the expiry). */
  take(ref: ControlGrantRef): Promise<ControlGrantRecord | undefined>;
  /** Deletes every grant of a device key. */
  dropKey(deviceId: string, deviceKeyId: string): Promise<void>;
  /** Deletes grants expired at `at`; returns how many. */
  prune(at: Date): Promise<number>;
}

/** One key's guess counter (epoch milliseconds: the budget computes with them). */
export interface GuessCounter {
  failures: number;
  /** Attempts counted and still being checked, until `pendingUntil`. */
  pending: number;
  pendingUntil: number;
  blockedUntil: number;
  lastAt: number;
}

/** Guess counters shared by every node. */
export interface GuessCounterRepository {
  /**
   * Locks the keys' counters (a missing one starts at zero), lets `change` read and change them
   * in place, writes them back and returns what `change` returned: no other node's change can
   * come between the read and the write. Counters left empty (no failure, nothing pending,
   * no time set in `blockedUntil`) are deleted.
   */
  update<T>(keys: readonly string[], change: (counters: GuessCounter[]) => T): Promise<T>;
  /** Deletes every counter whose key starts with `prefix` (an administrator cleared a lock). */
  forget(prefix: string): Promise<void>;
  /** Deletes counters with nothing pending whose last attempt was before `before`. */
  prune(before: Date): Promise<number>;
}
