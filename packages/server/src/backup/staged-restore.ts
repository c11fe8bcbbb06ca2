import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, RestoreOutcome } from '@tether/protocol';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import type { AuditEvent } from '../audit/audit-event.js';
// The archive code (gzip, streams, the table dump) is loaded only when a restore is asked for.
import type { BackupManifest, BackupPaths } from './backup.js';

/**
 * A restore asked for from the admin console (S-8). A running server cannot replace its tables
 * and keys under its own feet (agents, sessions and keys are in memory), so the restore is done
 * in two steps:
 *
 * 1. `stageRestore` (while the server runs): the backup is decrypted and checked whole into
 *    `<data folder>/restore-pending`. A wrong passphrase or a damaged file is refused there and
 *    nothing is left behind.
 * 2. `applyStagedRestore` (at the next start, before the store and keys are loaded): every table
 *    and the keys are replaced from it, the same as `tether restore`, and the outcome is kept in
 *    `restore-last.json` for the console.
 *
 * The server restarts itself in its own process right after step 1 when whoever started it can
 * (app/restartable-server.ts); otherwise the restore waits for the next start.
 */
const PENDING = 'restore-pending';
const OUTCOME = 'restore-last.json';
const REQUEST = 'request.json';

/** Who asked, kept beside the staged backup for the audit entry written once it is applied. */
export interface RestoreRequest {
  file: string;
  by: string;
  sourceAddress?: string | undefined;
  requestedAt: string;
}

/** How a staged restore went at start. */
export interface AppliedRestore {
  request: RestoreRequest;
  backupCreatedAt: string;
  /** Why it failed; absent when it was applied. */
  error?: string;
}

/** Decrypts and checks `file` into the pending folder; refuses (nothing kept) when it fails. */
export async function stageRestore(input: {
  dataDir: string;
  file: string;
  passphrase: string;
  request: RestoreRequest;
}): Promise<BackupManifest> {
  const { openBackup } = await import('./backup.js');
  const staging = await mkdtemp(join(input.dataDir, '.restore-staging-'));
  try {
    const manifest = await openBackup(input.file, input.passphrase, staging);
    await writeFile(join(staging, REQUEST), JSON.stringify(input.request), { mode: 0o600 });
    // One restore at a time: a later request replaces one not applied yet.
    await rm(join(input.dataDir, PENDING), { recursive: true, force: true });
    await rename(staging, join(input.dataDir, PENDING));
    return manifest;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Whether a staged restore waits for the next start. */
export async function hasStagedRestore(dataDir: string): Promise<boolean> {
  return stat(join(dataDir, PENDING, 'manifest.json')).then(
    () => true,
    () => false,
  );
}

/**
 * Applies a staged restore, if there is one, with a store of its own (opened only then). On
 * failure the database is unchanged (one transaction), the staged folder is kept aside as
 * `restore-failed-<time>` and the server starts on what it had. Returns who asked and how it
 * went, for the audit.
 */
export async function applyStagedRestore(input: {
  dataDir: string;
  paths: BackupPaths;
  openStore: () => Promise<Store>;
  now: Date;
  log: Logger;
}): Promise<AppliedRestore | undefined> {
  if (!(await hasStagedRestore(input.dataDir))) return undefined;
  const pending = join(input.dataDir, PENDING);
  const manifest = JSON.parse(
    await readFile(join(pending, 'manifest.json'), 'utf8'),
  ) as BackupManifest;
  const request = JSON.parse(await readFile(join(pending, REQUEST), 'utf8')) as RestoreRequest;
  const outcome = (fields: Pick<RestoreOutcome, 'state' | 'error'>) =>
    writeFile(
      join(input.dataDir, OUTCOME),
      JSON.stringify(
        RestoreOutcome.parse({
          ...fields,
          file: request.file,
          by: request.by,
          backupCreatedAt: manifest.createdAt,
          finishedAt: input.now.toISOString(),
        }),
      ),
      { mode: 0o600 },
    );
  input.log.info({ file: request.file }, 'Applying the restore asked for in the admin console');
  try {
    const { applyOpenedBackup } = await import('./backup.js');
    const store = await input.openStore();
    try {
      await applyOpenedBackup({
        store,
        paths: input.paths,
        workDir: pending,
        manifest,
        now: input.now,
      });
    } finally {
      await store.close();
    }
  } catch (error) {
    const stamp = input.now.toISOString().replace(/[:.]/g, '-');
    await rename(pending, join(input.dataDir, `restore-failed-${stamp}`));
    const message = error instanceof Error ? error.message : String(error);
    input.log.error({ err: error }, 'The restore failed; the server starts on the data it had');
    await outcome({ state: 'failed', error: message });
    return { request, backupCreatedAt: manifest.createdAt, error: message };
  }
  await rm(pending, { recursive: true, force: true });
  await outcome({ state: 'restored' });
  return { request, backupCreatedAt: manifest.createdAt };
}

/** What the admin console shows of the last restore: staged, applied, failed or none yet. */
export async function restoreState(dataDir: string): Promise<RestoreOutcome | null> {
  if (await hasStagedRestore(dataDir)) {
    const request = JSON.parse(
      await readFile(join(dataDir, PENDING, REQUEST), 'utf8'),
    ) as RestoreRequest;
    return { state: 'pending', file: request.file, by: request.by };
  }
  try {
    return RestoreOutcome.parse(JSON.parse(await readFile(join(dataDir, OUTCOME), 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('UNAVAILABLE', `${OUTCOME} in the data folder cannot be read.`);
  }
}

/** The audit entry of a staged restore applied (into the restored log) or failed at start. */
export function restoreAuditEntry(applied: AppliedRestore): AuditEvent {
  const { request } = applied;
  return {
    action: applied.error === undefined ? 'backup.restored' : 'backup.restore_failed',
    actor: request.by,
    target: request.file,
    sourceAddress: request.sourceAddress ?? null,
    details: {
      backupCreatedAt: applied.backupCreatedAt,
      requestedAt: request.requestedAt,
      ...(applied.error !== undefined && { error: applied.error }),
    },
  };
}
