import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, type BackupJob } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { repeat, type Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Notifications } from '../ports/notifications.js';
import type { Store } from '../store/store.js';
import { backupFileName, pruneBackups, type BackupOrigin } from './backup-files.js';
import {
  backupDirectory,
  nextRunAt,
  readRunState,
  readSchedule,
  schedulePassphrase,
  writeRunState,
  type BackupPlaces,
} from './backup-schedule.js';

/** How often the schedule is read again: a change from the CLI applies within this. */
const CHECK_EVERY_MS = 60_000;
/** Finished jobs the console may still poll. */
const JOBS_KEPT = 20;

export interface BackupServiceDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  notifications: Notifications;
  places: BackupPlaces;
}

/** Who asked for a manual backup, for the audit log. */
export interface BackupRequester {
  username: string;
  sourceAddress?: string;
}

/**
 * Backups written by the running server (S-8): one at a time, into the backup folder under a
 * temporary name first, so a failed or half-written archive never shows in the list. Manual
 * ones start from the console and are followed as jobs; scheduled ones run on the server's clock,
 * then retention prunes older scheduled archives. A failed scheduled backup is audited and
 * notified as a server error.
 */
export interface BackupService {
  /** Starts a backup now; `CONFLICT` while another is being written. */
  create(input: { passphrase: string; includeRecordings: boolean; by: BackupRequester }): BackupJob;
  job(id: string): BackupJob | undefined;
  /** Whether a backup is being written now. */
  isWriting(): boolean;
  /** Runs the scheduled backup if it is due; resolves when it (if any) has finished. */
  runIfDue(): Promise<void>;
  /** Stops the schedule; resolves once a backup being written has finished. */
  stop(): Promise<void>;
}

export function startBackupService(deps: BackupServiceDeps): BackupService {
  const jobs = new Map<string, BackupJob>();
  let running: Promise<void> | undefined;
  let checking: Promise<void> | undefined;

  const write = async (
    job: BackupJob,
    origin: BackupOrigin,
    options: { passphrase: string; includeRecordings: boolean; actor: string; address?: string },
  ): Promise<string> => {
    const schedule = await readSchedule(deps.store);
    const directory = backupDirectory(schedule, deps.places);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const name = backupFileName(deps.clock.now(), origin, options.includeRecordings);
    const partial = join(directory, `.${name}.partial`);
    // Loaded with the first backup: the archive code (gzip, streams) is not needed at start.
    const { createBackup } = await import('./backup.js');
    try {
      await createBackup({
        store: deps.store,
        paths: deps.places,
        output: partial,
        passphrase: options.passphrase,
        includeRecordings: options.includeRecordings,
        now: deps.clock.now(),
        progress: (line) => (job.progress = line),
      });
      await rename(partial, join(directory, name));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    job.file = name;
    await deps.audit.record({
      action: 'backup.created',
      actor: options.actor,
      target: name,
      sourceAddress: options.address ?? null,
      details: { origin, includesRecordings: options.includeRecordings, directory },
    });
    if (origin === 'scheduled') {
      const removed = await pruneBackups({
        directory,
        keep: schedule.keep,
        now: deps.clock.now(),
        justWritten: name,
      });
      if (removed.length > 0)
        await deps.audit.record({
          action: 'backup.pruned',
          actor: 'system',
          details: { files: removed, keep: schedule.keep },
        });
    }
    return name;
  };

  const track = (
    origin: BackupOrigin,
    work: (job: BackupJob) => Promise<void>,
  ): { job: BackupJob; done: Promise<void> } => {
    if (running)
      throw new AppError('CONFLICT', 'A backup is being written; wait for it to finish.');
    const job: BackupJob = {
      id: randomUUID(),
      state: 'running',
      startedAt: deps.clock.now().toISOString(),
      progress: origin === 'scheduled' ? 'Scheduled backup starting…' : 'Starting…',
    };
    jobs.set(job.id, job);
    for (const id of [...jobs.keys()].slice(0, Math.max(0, jobs.size - JOBS_KEPT))) jobs.delete(id);
    const done = work(job)
      .then(() => {
        job.state = 'done';
        job.progress = `Backup written: ${job.file ?? ''}`;
      })
      .catch((error: unknown) => {
        job.state = 'failed';
        job.error = error instanceof Error ? error.message : String(error);
        deps.log.error({ err: error, origin }, 'backup failed');
      })
      .finally(() => {
        job.finishedAt = deps.clock.now().toISOString();
        running = undefined;
      });
    running = done;
    return { job, done };
  };

  const failed = async (origin: BackupOrigin, actor: string, error: unknown): Promise<void> => {
    const message = error instanceof Error ? error.message : String(error);
    await deps.audit.record({
      action: 'backup.failed',
      actor,
      details: { origin, error: message.slice(0, 500) },
    });
  };

  const runScheduled = (): Promise<void> => {
    const { done } = track('scheduled', async (current) => {
      const schedule = await readSchedule(deps.store);
      const startedAt = deps.clock.now().toISOString();
      await writeRunState(deps.store, {
        ...(await readRunState(deps.store)),
        lastRunAt: startedAt,
      });
      try {
        const passphrase = await schedulePassphrase(schedule, deps.places);
        const file = await write(current, 'scheduled', {
          passphrase,
          includeRecordings: schedule.includeRecordings,
          actor: 'system',
        });
        await writeRunState(deps.store, {
          lastRunAt: startedAt,
          lastSuccessAt: deps.clock.now().toISOString(),
          lastFile: file,
        });
      } catch (error) {
        // Notified first: the audit and the run state below need the store, which may be
        // what failed.
        const message = error instanceof Error ? error.message : String(error);
        const next = nextRunAt(schedule, { lastRunAt: startedAt });
        deps.notifications.notify({
          kind: 'server.error',
          subject: 'A scheduled backup failed',
          text: `The scheduled backup started at ${startedAt} was not written: ${message}${next ? `\nThe next attempt is at ${next.toISOString()}.` : ''}`,
          details: { area: 'backup', startedAt, error: message.slice(0, 500) },
        });
        await failed('scheduled', 'system', error);
        await writeRunState(deps.store, {
          ...(await readRunState(deps.store)),
          lastError: message,
        });
        throw error;
      }
    });
    return done;
  };

  // A function, so that the check after the awaits below reads `running` anew.
  const isBusy = (): boolean => running !== undefined;
  const runIfDue = async (): Promise<void> => {
    if (isBusy()) return;
    const schedule = await readSchedule(deps.store);
    const next = nextRunAt(schedule, await readRunState(deps.store));
    if (next && next.getTime() <= deps.clock.now().getTime() && !isBusy()) await runScheduled();
  };

  const check = (): void => {
    checking ??= runIfDue()
      .catch((error: unknown) => deps.log.error({ err: error }, 'backup schedule check failed'))
      .finally(() => (checking = undefined));
  };
  const stopChecking = repeat(deps.clock, check, CHECK_EVERY_MS);
  check();

  return {
    create({ passphrase, includeRecordings, by }) {
      const { job } = track('manual', async (current) => {
        try {
          await write(current, 'manual', {
            passphrase,
            includeRecordings,
            actor: by.username,
            ...(by.sourceAddress !== undefined && { address: by.sourceAddress }),
          });
        } catch (error) {
          await failed('manual', by.username, error);
          throw error;
        }
      });
      return job;
    },
    job: (id) => jobs.get(id),
    isWriting: () => running !== undefined,
    runIfDue,
    async stop() {
      stopChecking();
      await checking;
      await running;
    },
  };
}
