import type {
  InstallerAttributeName,
  InstallerAttributes,
  RecordingFormat,
  RecordingState,
  Role,
  SessionKind,
  SessionState,
  UserSource,
} from '@tether/protocol';
import type { AuditRepository } from './audit-repository.js';
import type { DeviceQueryRepository, DeviceRepository } from './device-repository.js';
import type { DeviceGroupRepository } from './device-group-repository.js';
import type { OemRepository } from './oem-repository.js';
import type { PolicyRepository } from './policy-repository.js';
import type { RoleRepository } from './role-repository.js';
import type { GrantRepository, TeamRepository } from './team-repository.js';
import type { SecondFactorRepository } from './second-factor-repository.js';
import type { ServerKeyPinRepository } from './server-key-pin-repository.js';
import type { DeviceMaintenanceRepository } from './device-maintenance-repository.js';
import type { WakeAddressRepository } from './wake-address-repository.js';
import type { DeviceNodeRepository } from './device-node-repository.js';
import type { UnattendedRepository } from './unattended-repository.js';
import type { AdhocSessionRepository } from './adhoc-repository.js';
import type { UploadRepository } from './upload-repository.js';
import type {
  ControlGrantRepository,
  GuessCounterRepository,
  RelayTicketRepository,
} from './shared-state-repository.js';
import type { ClusterNodeRepository } from './cluster-node-repository.js';

export type {
  AuditFilter,
  AuditReadRecord,
  AuditRecord,
  AuditRepository,
  AuditSubjects,
} from './audit-repository.js';
export type {
  DeviceInstallFields,
  DeviceQuery,
  DeviceQueryRepository,
  DeviceRecord,
  DeviceRepository,
  EnrollRefusal,
} from './device-repository.js';

/**
 * The one persistence interface of the server (DESIGN.md, storage). Two engines implement it:
 * SQLite (default, embedded) and PostgreSQL (cluster mode); the same contract tests run
 * against both. Records use camelCase and `Date`; JSON columns come back parsed.
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly users: UserRepository;
  readonly roles: RoleRepository;
  readonly authSessions: AuthSessionRepository;
  readonly installers: InstallerRepository;
  readonly devices: DeviceRepository;
  readonly deviceGroups: DeviceGroupRepository;
  /** The device list: search, filters, sort and paging (issue 15). */
  readonly deviceQuery: DeviceQueryRepository;
  readonly sessions: SessionRepository;
  readonly recordings: RecordingRepository;
  readonly audit: AuditRepository;
  readonly settings: SettingsRepository;
  readonly policies: PolicyRepository;
  readonly uploads: UploadRepository;
  readonly oem: OemRepository;
  readonly unattended: UnattendedRepository;
  /** Ad-hoc sessions. */
  readonly adhocSessions: AdhocSessionRepository;
  readonly teams: TeamRepository;
  readonly grants: GrantRepository;
  readonly secondFactors: SecondFactorRepository;
  /** Which server signing key each device's agent has pinned (S-6). */
  readonly serverKeyPins: ServerKeyPinRepository;
  /** Lost and uninstalled marks, devices silent past a threshold. */
  readonly deviceMaintenance: DeviceMaintenanceRepository;
  /** Where passive agents listen for wake-ups. */
  readonly wakeAddresses: WakeAddressRepository;
  /** Which node holds each connected agent (cluster mode, X-3). */
  readonly deviceNodes: DeviceNodeRepository;
  /** One-time relay tokens, shared by every node. */
  readonly relayTickets: RelayTicketRepository;
  /** Open OEM control URLs, shared by every node. */
  readonly controlGrants: ControlGrantRepository;
  /** Guess counters of one-time passwords and codes, shared by every node. */
  readonly guessCounters: GuessCounterRepository;
  /** Every table's rows, for backups (S-8). */
  readonly tableDump: TableDumpRepository;
  /** The cluster's nodes and their heartbeat leases. */
  readonly clusterNodes: ClusterNodeRepository;
  /** Closes the database; every later call fails. */
  close(): Promise<void>;
}

export interface UserRecord {
  id: string;
  username: string;
  /** What the console shows; empty when the administrator gave none. */
  displayName: string;
  /** The role's ID: a built-in role's name or a custom role's ID. */
  role: Role;
  /** scrypt hash in the server's own format; never leaves the server. */
  passwordHash: string;
  createdAt: Date;
  passwordChangedAt: Date;
  /** A disabled user cannot sign in; null while enabled. */
  disabledAt: Date | null;
  /** The user must choose a new password before anything else (set by an administrator). */
  mustChangePassword: boolean;
  /** Who vouches for the user: Tether's own password, or a directory / single sign-on. */
  source: UserSource;
}

/** A new user: the account fields default to an enabled user with no display name. */
export type NewUserRecord = Omit<
  UserRecord,
  'passwordChangedAt' | 'displayName' | 'disabledAt' | 'mustChangePassword' | 'source'
> &
  Partial<Pick<UserRecord, 'displayName' | 'mustChangePassword' | 'source'>>;

/** What an administrator (or the user, for the display name) changes on an account. */
export type UserChanges = Partial<
  Pick<UserRecord, 'displayName' | 'role' | 'disabledAt' | 'mustChangePassword'>
>;

/**
 * Users. A deleted user is gone for every method here, but its row stays (without the
 * username, which a new user may take): sessions and recordings keep naming who they were.
 */
export interface UserRepository {
  /** Fails with `AppError('CONFLICT')` when the username is taken (case-insensitive). */
  create(user: NewUserRecord): Promise<UserRecord>;
  findById(id: string): Promise<UserRecord | undefined>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<UserRecord | undefined>;
  /** By username, case-insensitively. */
  list(): Promise<UserRecord[]>;
  count(): Promise<number>;
  /**
   * Sets a new password and clears `mustChangePassword` (a new password was chosen). Returns
   * false when there is no such user.
   */
  setPasswordHash(id: string, passwordHash: string, at: Date): Promise<boolean>;
  /** Returns the changed user, or undefined when there is no such user. */
  update(id: string, changes: UserChanges): Promise<UserRecord | undefined>;
  /**
   * Deletes the user (keeping the row for history, see above) with their second factors; false
   * when there is none.
   */
  delete(id: string, at: Date): Promise<boolean>;
  /**
   * Runs `change` (with the users of one transaction) so that it cannot leave no enabled
   * administrator, not even with a concurrent change on another server: if it would, it fails
   * with `AppError('CONFLICT')` and nothing changes.
   */
  keepingAnAdministrator<T>(change: (users: UserRepository) => Promise<T>): Promise<T>;
}

/** A console login. The cookie holds a random token; only its SHA-256 (`tokenHash`) is stored. */
export interface AuthSessionRecord {
  tokenHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  sourceAddress: string;
}

/** A login as its user sees it in their list of sign-ins: with its non-secret `id`. */
export interface LoginRecord extends AuthSessionRecord {
  id: string;
}

export interface AuthSessionRepository {
  /** Gives the login its non-secret `id` (every login has one, whoever creates it). */
  create(session: AuthSessionRecord): Promise<void>;
  /** Only sessions whose `expiresAt` is after `now`. */
  findValid(tokenHash: string, now: Date): Promise<AuthSessionRecord | undefined>;
  /** Sliding expiry. */
  extend(tokenHash: string, expiresAt: Date): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /**
   * Logs a user out everywhere (password reset, disabled, deleted), or everywhere but one login
   * (the user changed their own password there). Returns how many were deleted.
   */
  deleteForUser(userId: string, exceptTokenHash?: string): Promise<number>;
  deleteExpired(now: Date): Promise<number>;
  /** The user's logins still valid at `now`, newest first. */
  listForUser(userId: string, now: Date): Promise<LoginRecord[]>;
  /** Ends one login of the user by its `id`; returns its token hash, or undefined when none. */
  deleteById(userId: string, id: string): Promise<string | undefined>;
}

/** An installer's attributes but its group and comments, which have their own fields. */
export type InstallerSettings = Omit<InstallerAttributes, 'group' | 'comments'>;

export interface InstallerRecord {
  id: string;
  group: string;
  /** The `comments` attribute. */
  comment: string;
  attributes: InstallerSettings;
  /** Attributes the install may override. */
  overridable: InstallerAttributeName[];
  createdAt: Date;
  expiresAt: Date;
  maxInstalls: number | null;
  installs: number;
  revokedAt: Date | null;
  createdBy: string;
}

export interface InstallerRepository {
  /** Without `attributes`: the defaults; without `overridable`: none. */
  create(
    installer: Omit<InstallerRecord, 'installs' | 'revokedAt' | 'attributes' | 'overridable'> &
      Partial<Pick<InstallerRecord, 'attributes' | 'overridable'>>,
  ): Promise<InstallerRecord>;
  find(id: string): Promise<InstallerRecord | undefined>;
  /** Newest first. */
  list(): Promise<InstallerRecord[]>;
  /** Returns false when there is no such installer or it was already revoked. */
  revoke(id: string, at: Date): Promise<boolean>;
  /** A new expiry; undefined when there is no such installer or it was revoked. */
  extend(id: string, expiresAt: Date): Promise<InstallerRecord | undefined>;
}

export interface SessionRecord {
  id: string;
  deviceId: string;
  userId: string;
  kind: SessionKind;
  state: SessionState;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
}

export interface SessionRepository {
  /** `nodeId`: the node that relays the session (cluster mode, X-3). */
  create(
    session: Pick<SessionRecord, 'id' | 'deviceId' | 'userId' | 'kind' | 'createdAt'> & {
      nodeId?: string;
    },
  ): Promise<SessionRecord>;
  find(id: string): Promise<SessionRecord | undefined>;
  /** The node relaying a session; undefined for an unknown session or one with no node. */
  relayNodeOf(id: string): Promise<string | undefined>;
  /** Newest first; `groups`: only of devices in these groups (rights per device group). */
  list(options: {
    limit: number;
    deviceId?: string;
    states?: SessionState[];
    groups?: readonly string[];
  }): Promise<SessionRecord[]>;
  /** pending → active; returns false if the session was not pending. */
  markActive(id: string, at: Date): Promise<boolean>;
  /** Any state but ended → ended; returns false if it had already ended (first reason wins). */
  end(id: string, at: Date, reason: string): Promise<boolean>;
  /**
   * At start-up: sessions a previous process left open are ended with `reason`; with
   * `nodeId` (a cluster node), only those relayed by that node, not the other nodes' sessions.
   */
  endAllOpen(at: Date, reason: string, nodeId?: string): Promise<number>;
  /**
   * Cluster: open sessions relayed by a node not in `liveNodes` (its lease ran out, or it left
   * the node list) are ended with `reason`; returns them. No live node: nothing ends.
   */
  endOnDeadNodes(
    at: Date,
    reason: string,
    liveNodes: readonly string[],
  ): Promise<{ id: string; deviceId: string }[]>;
}

export interface RecordingRecord {
  id: string;
  sessionId: string;
  deviceId: string;
  userId: string;
  kind: SessionKind;
  format: RecordingFormat;
  /** Relative to the recordings folder of the data directory. */
  path: string;
  state: RecordingState;
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number;
  sizeBytes: number;
}

/** A recording with the names the list shows. */
export interface RecordingListItem extends RecordingRecord {
  deviceName: string;
  username: string;
}

export interface RecordingRepository {
  create(
    recording: Omit<RecordingRecord, 'state' | 'endedAt' | 'durationMs' | 'sizeBytes'>,
  ): Promise<RecordingRecord>;
  find(id: string): Promise<RecordingListItem | undefined>;
  /** Newest first; `groups`: only of devices in these groups (rights per device group). */
  list(options: {
    limit: number;
    deviceId?: string;
    groups?: readonly string[];
  }): Promise<RecordingListItem[]>;
  /** Those still `recording`, for crash recovery at start-up. */
  listUnfinished(): Promise<RecordingRecord[]>;
  finish(
    id: string,
    result: {
      state: Exclude<RecordingState, 'recording'>;
      endedAt: Date;
      durationMs: number;
      sizeBytes: number;
    },
  ): Promise<void>;
}

/** Small JSON settings by key (statistics settings, trusted networks, …). */
export interface SettingsRepository {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** One row of a table as JSON values: text, whole and real numbers, null. */
export type TableRow = Record<string, string | number | boolean | null>;

/** Every table's content, whatever the engine: what a backup holds and a restore puts back. */
export interface TableDumpRepository {
  /** Names of the schema migrations this database has had. */
  migrations(): Promise<string[]>;
  /** Every table (not the migration bookkeeping), each after the tables it references. */
  tables(): Promise<string[]>;
  /** A table's rows in pages of bounded size. */
  rows(table: string): AsyncIterable<TableRow[]>;
  /**
   * Replaces the content of every table with what `source` gives for it, in one transaction:
   * on any failure nothing has changed. Columns a row lacks get their defaults.
   */
  replaceAll(source: (table: string) => AsyncIterable<TableRow[]>): Promise<void>;
}
