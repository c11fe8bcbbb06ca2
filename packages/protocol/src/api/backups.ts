import { z } from 'zod';
import { Timestamp } from '../ids.js';

/** A backup passphrase: long enough that the archive's scrypt key is not guessed (S-8). */
export const BackupPassphrase = z
  .string()
  .min(12, 'choose a passphrase of at least 12 characters')
  .max(1024);

/** A file of the backup folder, by name only: never a path. */
export const BackupFileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.tbk$/, 'not the name of a backup file (NAME.tbk)');

/** When scheduled backups run: every N hours after the last, or each day at a time (UTC). */
export const BackupEvery = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('interval'),
    hours: z
      .int()
      .min(1)
      .max(24 * 31),
  }),
  z.object({
    kind: z.literal('daily'),
    /** `HH:MM`, UTC. */
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (UTC)'),
  }),
]);
export type BackupEvery = z.infer<typeof BackupEvery>;

/**
 * How many scheduled backups to keep after each successful one: the newest `count`, and/or
 * those younger than `days`. Absent: kept forever. Manual backups are never removed by it.
 */
export const BackupRetention = z.object({
  count: z.int().min(1).max(1000).optional(),
  days: z.int().min(1).max(3650).optional(),
});
export type BackupRetention = z.infer<typeof BackupRetention>;

const scheduleFields = {
  enabled: z.boolean(),
  every: BackupEvery,
  keep: BackupRetention,
  includeRecordings: z.boolean(),
  /** An absolute folder on the server; absent: `<data folder>/backups`. */
  directory: z
    .string()
    .max(1024)
    .refine((path) => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path), 'an absolute path')
    .optional(),
};

/**
 * The schedule as an administrator saves it. The passphrase is either given here (stored
 * encrypted with the server's own secret key, never shown again; absent keeps the stored one)
 * or read at each run from `passphraseFile`, a file on the server.
 */
export const BackupScheduleInput = z.object({
  ...scheduleFields,
  passphrase: BackupPassphrase.optional(),
  passphraseFile: z
    .string()
    .max(1024)
    .refine((path) => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path), 'an absolute path')
    .optional(),
});
export type BackupScheduleInput = z.input<typeof BackupScheduleInput>;

/** What the last scheduled run did. */
export const BackupRunState = z.object({
  lastRunAt: Timestamp.optional(),
  lastSuccessAt: Timestamp.optional(),
  /** Why the last run failed (no secret); absent after a success. */
  lastError: z.string().optional(),
  lastFile: z.string().optional(),
});
export type BackupRunState = z.infer<typeof BackupRunState>;

/** The schedule as the API shows it: where the passphrase comes from, never the passphrase. */
export const BackupScheduleView = z.object({
  ...scheduleFields,
  passphraseSource: z.enum(['none', 'stored', 'file']),
  passphraseFile: z.string().optional(),
  /** The folder in force (the default one when `directory` is absent). */
  effectiveDirectory: z.string(),
  nextRunAt: Timestamp.optional(),
  state: BackupRunState,
});
export type BackupScheduleView = z.infer<typeof BackupScheduleView>;

/** One archive of the backup folder. */
export const BackupFile = z.object({
  name: BackupFileName,
  createdAt: Timestamp,
  size: z.int().nonnegative(),
  /** Unknown (absent) for a file not named by Tether. */
  includesRecordings: z.boolean().optional(),
  origin: z.enum(['scheduled', 'manual', 'other']),
});
export type BackupFile = z.infer<typeof BackupFile>;

export const BackupList = z.object({
  directory: z.string(),
  backups: z.array(BackupFile),
  /**
   * The command that restores one with the server stopped (with `FILE` in place of the file);
   * the same as `backups.restore` does from the console, which restarts the server for it.
   */
  restoreCommand: z.string(),
});
export type BackupList = z.infer<typeof BackupList>;

export const CreateBackupRequest = z.object({
  passphrase: BackupPassphrase,
  includeRecordings: z.boolean().default(false),
});
export type CreateBackupRequest = z.input<typeof CreateBackupRequest>;

/** A backup being written in the background; the console polls it. */
export const BackupJob = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  startedAt: Timestamp,
  finishedAt: Timestamp.optional(),
  /** The last progress line ("Database: audit, 1200 rows"). */
  progress: z.string(),
  file: BackupFileName.optional(),
  error: z.string().optional(),
});
export type BackupJob = z.infer<typeof BackupJob>;

export const VerifyBackupRequest = z.object({ passphrase: z.string().min(1).max(1024) });

/** What a backup holds, once it opened and every checksum matched. */
export const BackupContents = z.object({
  createdAt: Timestamp,
  engine: z.enum(['sqlite', 'postgres']),
  tables: z.record(z.string(), z.int().nonnegative()),
  files: z.int().nonnegative(),
  includesRecordings: z.boolean(),
});
export type BackupContents = z.infer<typeof BackupContents>;

/**
 * Restoring a backup from the admin console: it replaces every table (users, devices, settings,
 * the audit log) and the server's keys with the backup's, so the administrator says so.
 */
export const RestoreBackupRequest = z.object({
  passphrase: z.string().min(1).max(1024),
  replaceEverything: z.literal(true, {
    error: 'Confirm that the backup replaces everything on this server (replaceEverything: true).',
  }),
});
export type RestoreBackupRequest = z.input<typeof RestoreBackupRequest>;

/** The backup checked out and waits for the restart that applies it. */
export const RestoreStarted = z.object({
  /** The server restarts by itself now; false: it waits for the next start (the message says). */
  restarting: z.boolean(),
  message: z.string(),
  backupCreatedAt: Timestamp,
});
export type RestoreStarted = z.infer<typeof RestoreStarted>;

/** The last restore asked for from the console: waiting for the restart, applied, or failed. */
export const RestoreOutcome = z.object({
  state: z.enum(['pending', 'restored', 'failed']),
  file: z.string(),
  /** The administrator who asked. */
  by: z.string(),
  backupCreatedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  /** Why it failed (the server then started on the data it had). */
  error: z.string().optional(),
});
export type RestoreOutcome = z.infer<typeof RestoreOutcome>;
