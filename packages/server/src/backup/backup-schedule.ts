import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AppError,
  BackupPassphrase,
  BackupRunState,
  BackupScheduleInput,
  type BackupEvery,
  type BackupRetention,
  type BackupScheduleView,
} from '@tether/protocol';
import { z } from 'zod';
import { loadSecretBox } from '../keys/secret-box.js';
import type { Store } from '../store/store.js';
import { readSetting } from '../store/read-setting.js';

const SCHEDULE_KEY = 'backup.schedule';
const STATE_KEY = 'backup.scheduleState';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What a scheduled backup's passphrase is bound to when sealed (see keys/secret-box.ts). */
const PASSPHRASE_CONTEXT = 'backup-schedule:passphrase';

/** The schedule as the settings table keeps it: the passphrase sealed with `keys/secret-box.key`. */
export interface StoredSchedule {
  enabled: boolean;
  every: BackupEvery;
  keep: BackupRetention;
  includeRecordings: boolean;
  directory?: string | undefined;
  sealedPassphrase?: string | undefined;
  passphraseFile?: string | undefined;
  /** When it was last saved: the first interval counts from here. */
  savedAt: string;
}

const Stored = BackupScheduleInput.omit({ passphrase: true }).extend({
  sealedPassphrase: z.string().optional(),
  savedAt: z.string(),
});

const DEFAULT_SCHEDULE: StoredSchedule = {
  enabled: false,
  every: { kind: 'daily', time: '02:00' },
  keep: { count: 7 },
  includeRecordings: false,
  savedAt: new Date(0).toISOString(),
};

/** Where the server keeps what a backup holds; the backup folder's default is inside it. */
export interface BackupPlaces {
  dataDir: string;
  keysDir: string;
  recordingsDir: string;
}

export async function readSchedule(store: Store): Promise<StoredSchedule> {
  return readSetting(store.settings, SCHEDULE_KEY, Stored, DEFAULT_SCHEDULE);
}

export async function readRunState(store: Store): Promise<BackupRunState> {
  return readSetting(store.settings, STATE_KEY, BackupRunState, {});
}

export async function writeRunState(store: Store, state: BackupRunState): Promise<void> {
  await store.settings.set(STATE_KEY, state);
}

export function backupDirectory(schedule: StoredSchedule, places: BackupPlaces): string {
  return schedule.directory ?? join(places.dataDir, 'backups');
}

async function passphraseFrom(file: string): Promise<string> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `The backup passphrase file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  if (!BackupPassphrase.safeParse(text).success)
    throw new AppError(
      'INVALID_INPUT',
      `The backup passphrase file ${file} must hold at least 12 characters.`,
    );
  return text;
}

/** The passphrase scheduled backups are encrypted with, from the sealed setting or its file. */
export async function schedulePassphrase(
  schedule: StoredSchedule,
  places: BackupPlaces,
): Promise<string> {
  if (schedule.passphraseFile) return passphraseFrom(schedule.passphraseFile);
  if (schedule.sealedPassphrase)
    return (await loadSecretBox(places.keysDir)).open(
      schedule.sealedPassphrase,
      PASSPHRASE_CONTEXT,
    );
  throw new AppError('INVALID_INPUT', 'Scheduled backups have no passphrase; set one.');
}

/**
 * Validates and stores a new schedule. A passphrase given replaces the stored one (and a
 * passphrase file); a file replaces a stored passphrase; neither keeps what was there.
 */
export async function saveSchedule(input: {
  store: Store;
  places: BackupPlaces;
  schedule: z.output<typeof BackupScheduleInput>;
  now: Date;
}): Promise<StoredSchedule> {
  const { passphrase, passphraseFile, ...rest } = input.schedule;
  if (passphrase !== undefined && passphraseFile !== undefined)
    throw new AppError(
      'INVALID_INPUT',
      'Give either a passphrase or a passphrase file for scheduled backups, not both.',
    );
  const before = await readSchedule(input.store);
  const next: StoredSchedule = { ...rest, savedAt: input.now.toISOString() };
  if (passphrase !== undefined)
    next.sealedPassphrase = (await loadSecretBox(input.places.keysDir)).seal(
      passphrase,
      PASSPHRASE_CONTEXT,
    );
  else if (passphraseFile !== undefined) {
    await passphraseFrom(passphraseFile);
    next.passphraseFile = passphraseFile;
  } else {
    next.sealedPassphrase = before.sealedPassphrase;
    next.passphraseFile = before.passphraseFile;
  }
  if (next.enabled && !next.sealedPassphrase && !next.passphraseFile)
    throw new AppError(
      'INVALID_INPUT',
      'Scheduled backups need a passphrase (or a passphrase file) to encrypt them with.',
    );
  await input.store.settings.set(SCHEDULE_KEY, next);
  return next;
}

/** When the next scheduled backup is due (a past time: at once), or undefined when disabled. */
export function nextRunAt(schedule: StoredSchedule, state: BackupRunState): Date | undefined {
  if (!schedule.enabled) return undefined;
  const from = Math.max(
    new Date(schedule.savedAt).getTime(),
    state.lastRunAt ? new Date(state.lastRunAt).getTime() : 0,
  );
  if (schedule.every.kind === 'interval') return new Date(from + schedule.every.hours * HOUR_MS);
  const [hours = 0, minutes = 0] = schedule.every.time.split(':').map(Number);
  const day = new Date(from);
  let at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours, minutes);
  if (at <= from) at += DAY_MS;
  return new Date(at);
}

/** The schedule as the API shows it: never the passphrase. */
export function scheduleView(
  schedule: StoredSchedule,
  state: BackupRunState,
  places: BackupPlaces,
): BackupScheduleView {
  const next = nextRunAt(schedule, state);
  return {
    enabled: schedule.enabled,
    every: schedule.every,
    keep: schedule.keep,
    includeRecordings: schedule.includeRecordings,
    ...(schedule.directory !== undefined && { directory: schedule.directory }),
    passphraseSource: schedule.passphraseFile
      ? 'file'
      : schedule.sealedPassphrase
        ? 'stored'
        : 'none',
    ...(schedule.passphraseFile !== undefined && { passphraseFile: schedule.passphraseFile }),
    effectiveDirectory: backupDirectory(schedule, places),
    ...(next && { nextRunAt: next.toISOString() }),
    state,
  };
}

/** What the audit log records of a saved schedule: its settings, not its last run. */
export function scheduleAuditDetails(view: BackupScheduleView): Record<string, unknown> {
  return {
    enabled: view.enabled,
    every: view.every,
    keep: view.keep,
    includeRecordings: view.includeRecordings,
    directory: view.effectiveDirectory,
    passphraseSource: view.passphraseSource,
  };
}
