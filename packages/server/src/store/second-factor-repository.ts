/**
 * Second factors of users (issue 12). Tables: `store/migrations/second-factors.ts`. The TOTP
 * secret stays on the server; recovery codes are stored only as hashes.
 */

export interface TotpSecretRecord {
  userId: string;
  secret: string;
  createdAt: Date;
  /** Null until a first code confirmed the enrolment. */
  confirmedAt: Date | null;
  /** The last TOTP time step a code was accepted for (replay protection). */
  lastStep: number | null;
}

export interface PasskeyRecord {
  /** Credential ID, base64url. */
  id: string;
  userId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface SecondFactorRepository {
  findTotp(userId: string): Promise<TotpSecretRecord | undefined>;
  /** Sets a new, unconfirmed secret (replacing an unconfirmed one). */
  saveTotp(record: Pick<TotpSecretRecord, 'userId' | 'secret' | 'createdAt'>): Promise<void>;
  /** Marks the secret confirmed at `step`; false when it is gone or already confirmed. */
  confirmTotp(userId: string, input: { at: Date; step: number }): Promise<boolean>;
  /**
   * Records that a code of `step` was accepted, only if no code of that step or a later one was:
   * false means a replay (also between servers of a cluster: one conditional UPDATE).
   */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  deleteTotp(userId: string): Promise<boolean>;

  /** Replaces every recovery code of the user with these hashes. */
  replaceRecoveryCodes(userId: string, input: { hashes: string[]; at: Date }): Promise<void>;
  /** Marks an unused code used; false when it is unknown or was used already. */
  useRecoveryCode(userId: string, input: { hash: string; at: Date }): Promise<boolean>;
  countRecoveryCodes(userId: string): Promise<number>;

  addPasskey(record: Omit<PasskeyRecord, 'lastUsedAt'>): Promise<void>;
  findPasskey(id: string): Promise<PasskeyRecord | undefined>;
  /** Oldest first. */
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  renamePasskey(userId: string, input: { id: string; name: string }): Promise<boolean>;
  /** After a sign-in with it: the authenticator's new counter. */
  usePasskey(id: string, input: { counter: number; at: Date }): Promise<void>;
  deletePasskey(userId: string, id: string): Promise<boolean>;

  /** Whether the user has a confirmed authenticator app or a passkey. */
  hasFactor(userId: string): Promise<boolean>;
  /** Removes every factor and recovery code of the user (reset, deletion). */
  deleteForUser(userId: string): Promise<void>;
}
