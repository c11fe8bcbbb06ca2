import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, BackupFileName, type BackupFile, type BackupRetention } from '@tether/protocol';

/**
 * The backup folder: archives named by the moment they were made, who made them and whether they
 * hold recordings, so that listing and retention need neither the passphrase nor a side file.
 * `tether-backup-2026-12-06T18-00-00-000Z-scheduled-recordings.tbk`.
 */
const NAMED =
  /^tether-backup-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)-(scheduled|manual)(-recordings)?\.tbk$/;
const DAY_MS = 86_400_000;

export type BackupOrigin = 'scheduled' | 'manual';

/** The file name of a backup made at `at`. */
export function backupFileName(
  at: Date,
  origin: BackupOrigin,
  includesRecordings: boolean,
): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return `tether-backup-${stamp}-${origin}${includesRecordings ? '-recordings' : ''}.tbk`;
}

function describe(name: string, size: number, modified: Date): BackupFile {
  const match = NAMED.exec(name);
  if (!match) return { name, size, createdAt: modified.toISOString(), origin: 'other' };
  const [date = '', time = ''] = (match[1] ?? '').split('T');
  const [hours, minutes, seconds, millis] = time.replace('Z', '').split('-');
  return {
    name,
    size,
    createdAt: new Date(`${date}T${hours}:${minutes}:${seconds}.${millis}Z`).toISOString(),
    origin: match[2] as BackupOrigin,
    includesRecordings: match[3] !== undefined,
  };
}

/** The archives of `directory`, newest first (an absent folder has none). */
export async function listBackups(directory: string): Promise<BackupFile[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: BackupFile[] = [];
  for (const name of names) {
    if (!BackupFileName.safeParse(name).success) continue;
    const info = await stat(join(directory, name)).catch(() => undefined);
    if (info?.isFile()) files.push(describe(name, info.size, info.mtime));
  }
  return files.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The path of an existing archive of `directory`, by its (validated) name. */
export async function backupPath(directory: string, name: string): Promise<string> {
  const path = join(directory, BackupFileName.parse(name));
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new AppError('NOT_FOUND', `There is no backup "${name}".`);
  return path;
}

/**
 * Retention after a successful scheduled backup: removes scheduled archives beyond the newest
 * `keep.count` or older than `keep.days`, never `justWritten` nor a manual one. Returns the
 * names removed.
 */
export async function pruneBackups(input: {
  directory: string;
  keep: BackupRetention;
  now: Date;
  justWritten: string;
}): Promise<string[]> {
  const { count, days } = input.keep;
  if (count === undefined && days === undefined) return [];
  const scheduled = (await listBackups(input.directory)).filter(
    (file) => file.origin === 'scheduled',
  );
  const cutoff = days === undefined ? undefined : input.now.getTime() - days * DAY_MS;
  const removed: string[] = [];
  for (const [index, file] of scheduled.entries()) {
    if (file.name === input.justWritten) continue;
    const beyondCount = count !== undefined && index >= count;
    const tooOld = cutoff !== undefined && new Date(file.createdAt).getTime() < cutoff;
    if (!beyondCount && !tooOld) continue;
    await rm(join(input.directory, file.name), { force: true });
    removed.push(file.name);
  }
  return removed;
}
