import type { AuditAction } from '@tether/protocol';

/** The audit log's records and repository; see `repositories/audit.ts`. */
export interface AuditRecord {
  id: number;
  at: Date;
  action: AuditAction;
  actor: string;
  target: string | null;
  sourceAddress: string | null;
  details: Record<string, unknown>;
  /** What the entry is about, by id, as recorded (see `AuditSubjects`). */
  subjects: AuditSubjects;
}

/**
 * The user, device, session and recording an audit entry is about. Ids are what filters use;
 * the names are the ones they had when the entry was written (shown only if the row is gone).
 */
export interface AuditSubjects {
  user: { id: string; name: string } | null;
  device: { id: string; name: string } | null;
  sessionId: string | null;
  recordingId: string | null;
}

/** An audit entry as read: its subjects named as they are now. */
export interface AuditReadRecord extends Omit<AuditRecord, 'subjects'> {
  user: { id: string; username: string; displayName: string; isDeleted: boolean } | null;
  device: { id: string; name: string } | null;
  sessionId: string | null;
  recordingId: string | null;
}

/** Filters of the audit log; every one given must match. */
export interface AuditFilter {
  userId?: string;
  deviceId?: string;
  actions?: readonly AuditAction[];
  /** At or after. */
  from?: Date;
  /** Before. */
  until?: Date;
  /** Case-insensitive text in the actor, target, details or the names. */
  text?: string;
}

export interface AuditRepository {
  /**
   * Append-only: no update, and deletion only by age. Entries given together are written in
   * one statement, their ids (which only grow) increasing in the order given.
   */
  append(entries: readonly Omit<AuditRecord, 'id'>[]): Promise<void>;
  /** Retention: deletes entries recorded before `cutoff`; returns how many were deleted. */
  deleteBefore(cutoff: Date): Promise<number>;
  /** Newest first; `beforeId` pages backwards. Names are read from the users and devices now. */
  list(options: {
    limit: number;
    beforeId?: number;
    filter?: AuditFilter;
    /** One action: the same as `filter.actions: [action]`. */
    action?: AuditAction;
  }): Promise<AuditReadRecord[]>;
}
