import type { Generated } from 'kysely';
import type {
  AuditAction,
  RecordingFormat,
  RecordingState,
  Role,
  SessionKind,
  SessionState,
  UserSource,
} from '@tether/protocol';

/**
 * The database as Kysely sees it. Columns are snake_case; the repositories translate rows to
 * the camelCase records of `store.ts`.
 *
 * Conventions shared by both engines (so one migration serves SQLite and PostgreSQL):
 * - every timestamp is epoch milliseconds in a `bigint` column (exact to the millisecond,
 *   compares numerically on both engines);
 * - JSON is stored as text and parsed on the way out;
 * - enum-like values are text; the union types below are what the repositories write.
 */
export interface Database {
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  installers: InstallersTable;
  devices: DevicesTable;
  sessions: SessionsTable;
  recordings: RecordingsTable;
  audit: AuditTable;
  settings: SettingsTable;
}

/** Epoch milliseconds. */
type Millis = number;

export interface UsersTable {
  id: string;
  username: string;
  /** `username` folded to lower case; unique, so usernames are unique case-insensitively. */
  username_key: string;
  role: Role;
  password_hash: string;
  created_at: Millis;
  password_changed_at: Millis;
  display_name: string;
  disabled_at: Millis | null;
  /** Set on deletion, when `username_key` is freed; the row stays for sessions and recordings. */
  deleted_at: Millis | null;
  /** 0 or 1. */
  must_change_password: number;
  /** `UserSource`: `local` unless a directory or single sign-on created the user. */
  source: UserSource;
}

export interface AuthSessionsTable {
  token_hash: string;
  user_id: string;
  created_at: Millis;
  expires_at: Millis;
  source_address: string;
}

export interface InstallersTable {
  id: string;
  /** `group` is an SQL keyword; a plain name avoids quoting surprises in hand-written SQL. */
  group_name: string;
  comment: string;
  created_at: Millis;
  expires_at: Millis;
  max_installs: number | null;
  installs: number;
  revoked_at: Millis | null;
  created_by: string;
}

export interface DevicesTable {
  id: string;
  name: string;
  group_name: string;
  public_key: string;
  installer_id: string | null;
  /** JSON `DeviceInventory`. */
  inventory: string;
  enrolled_at: Millis;
  last_seen_at: Millis | null;
  /** JSON `DeviceStats`. */
  stats: string | null;
  stats_at: Millis | null;
}

export interface SessionsTable {
  id: string;
  device_id: string;
  user_id: string;
  kind: SessionKind;
  state: SessionState;
  created_at: Millis;
  started_at: Millis | null;
  ended_at: Millis | null;
  end_reason: string | null;
  /** The node its relay pairs on (cluster mode, X-3); null before 0015 or on a single node. */
  node_id: string | null;
}

export interface RecordingsTable {
  id: string;
  session_id: string;
  device_id: string;
  user_id: string;
  kind: SessionKind;
  format: RecordingFormat;
  path: string;
  state: RecordingState;
  started_at: Millis;
  ended_at: Millis | null;
  duration_ms: number;
  size_bytes: number;
}

export interface AuditTable {
  id: Generated<number>;
  at: Millis;
  action: AuditAction;
  actor: string;
  target: string | null;
  source_address: string | null;
  /** JSON object. */
  details: string;
  /** Who acted, and their name then (the name shown if the user row were ever gone). */
  user_id: string | null;
  user_name: string | null;
  /** The device acted on or acting, and its name then. */
  device_id: string | null;
  device_name: string | null;
  session_id: string | null;
  recording_id: string | null;
}

export interface SettingsTable {
  key: string;
  /** JSON value. */
  value: string;
}
