/**
 * An ad-hoc session. Table: `store/migrations/adhoc-sessions.ts`. The code is stored
 * only as its SHA-256.
 */
export interface AdhocSessionRecord {
  id: string;
  codeHash: string;
  installerId: string;
  group: string;
  /** The technician's user ID and name. */
  createdBy: string;
  createdByName: string;
  createdAt: Date;
  expiresAt: Date;
  allowInstalledAgent: boolean;
  /** The device that took the code: the installed agent's, or the one-time agent's. */
  deviceId: string | null;
  /** True when an installed agent took it (`attach`). */
  isInstalledAgent: boolean;
  endedAt: Date | null;
}

/** Persistence of ad-hoc sessions; state changes are conditional UPDATEs. */
export interface AdhocSessionRepository {
  /** False when another live session has the same code (the caller draws another). */
  create(
    session: Omit<AdhocSessionRecord, 'deviceId' | 'isInstalledAgent' | 'endedAt'>,
  ): Promise<boolean>;
  find(id: string): Promise<AdhocSessionRecord | undefined>;
  findByCodeHash(codeHash: string): Promise<AdhocSessionRecord | undefined>;
  /** The session not ended whose device this is. */
  findLiveByDevice(deviceId: string): Promise<AdhocSessionRecord | undefined>;
  /** Whether any session has not ended (most of the time none has). */
  anyLive(): Promise<boolean>;
  /** Newest first; `groups`: only of these device groups. */
  list(options: { limit: number; groups?: readonly string[] }): Promise<AdhocSessionRecord[]>;
  /** Binds an installed agent's device; false when ended or already taken. */
  attach(id: string, deviceId: string): Promise<boolean>;
  /** Ends it; false when it had already ended. */
  end(id: string, at: Date): Promise<boolean>;
}
