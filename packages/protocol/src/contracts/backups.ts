import { z } from 'zod';
import {
  BackupContents,
  BackupFileName,
  BackupJob,
  BackupList,
  BackupScheduleInput,
  BackupScheduleView,
  CreateBackupRequest,
  RestoreBackupRequest,
  RestoreOutcome,
  RestoreStarted,
  VerifyBackupRequest,
} from '../api/backups.js';
import { endpoint } from './endpoint.js';

const view = { kind: 'user', permission: 'settings.view' } as const;
const manage = { kind: 'user', permission: 'settings.manage' } as const;
const byName = z.object({ name: BackupFileName });

/**
 * Backups from the admin console (S-8): made now or on a schedule into the backup folder, listed,
 * verified, downloaded, deleted and restored. A restore replaces every table and the keys, which
 * a running server cannot take: it is checked here, then applied as the server restarts.
 */
export const backupEndpoints = {
  list: endpoint({
    id: 'backups.list',
    method: 'GET',
    path: '/conf/api/backups',
    listener: 'admin',
    summary: 'List the backups in the backup folder',
    description:
      'Newest first: name, date, size, whether recordings are included, and whether the schedule or an administrator made it.',
    access: view,
    success: { status: 200, body: BackupList },
    errors: [],
  }),
  create: endpoint({
    id: 'backups.create',
    method: 'POST',
    path: '/conf/api/backups',
    listener: 'admin',
    summary: 'Make a backup now',
    description:
      'Starts writing an encrypted backup into the backup folder and answers at once with a job to poll. The passphrase is used for this backup only, never stored or logged. `CONFLICT` while another backup is being written.',
    access: manage,
    subject: 'backup',
    body: CreateBackupRequest,
    success: { status: 201, body: z.object({ job: BackupJob }) },
    errors: ['INVALID_INPUT', 'CONFLICT'],
  }),
  job: endpoint({
    id: 'backups.job',
    method: 'GET',
    path: '/conf/api/backups/jobs/:id',
    listener: 'admin',
    summary: 'Follow a backup being written',
    access: view,
    params: z.object({ id: z.string().max(64) }),
    success: { status: 200, body: z.object({ job: BackupJob }) },
    errors: ['NOT_FOUND'],
  }),
  verify: endpoint({
    id: 'backups.verify',
    method: 'POST',
    path: '/conf/api/backups/:name/verify',
    listener: 'admin',
    summary: 'Check that a backup opens and is intact',
    description:
      'Decrypts the backup into a private temporary folder, checks every entry against its checksum and the manifest, and says what it holds. Changes nothing. `INVALID_INPUT` for a wrong passphrase or a damaged file.',
    access: manage,
    subject: 'backup check',
    params: byName,
    body: VerifyBackupRequest,
    success: { status: 200, body: BackupContents },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
  download: endpoint({
    id: 'backups.download',
    method: 'GET',
    path: '/conf/api/backups/:name/download',
    listener: 'admin',
    summary: 'Download a backup',
    description: 'The encrypted archive as it is on the server.',
    access: manage,
    params: byName,
    success: { status: 200, body: undefined, contentType: 'application/octet-stream' },
    errors: ['NOT_FOUND'],
  }),
  remove: endpoint({
    id: 'backups.delete',
    method: 'DELETE',
    path: '/conf/api/backups/:name',
    listener: 'admin',
    summary: 'Delete a backup',
    access: manage,
    params: byName,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
  restore: endpoint({
    id: 'backups.restore',
    method: 'POST',
    path: '/conf/api/backups/:name/restore',
    listener: 'admin',
    summary: 'Restore a backup (the server restarts)',
    description:
      "Decrypts and checks the whole backup first: a wrong passphrase or a damaged file is refused with `INVALID_INPUT` and nothing changes. Then the server restarts and, before it serves again, replaces every table (users, devices, settings, the audit log) and its keys with the backup's, the same as `tether restore --replace`. Agents stay enrolled and reconnect by themselves; everyone signed in after the backup was made signs in again. `restarting: false` when the server cannot restart itself (the restore then waits for its next start). `CONFLICT` in a cluster (stop every node and use `tether restore`) or while a backup is being written.",
    access: manage,
    subject: 'restore',
    params: byName,
    body: RestoreBackupRequest,
    success: { status: 200, body: RestoreStarted },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'CONFLICT'],
  }),
  restoreState: endpoint({
    id: 'backups.restoreState',
    method: 'GET',
    path: '/conf/api/backups/restore',
    listener: 'admin',
    summary: 'The last restore from the console',
    description:
      'Waiting for the restart (`pending`), applied (`restored`) or `failed` (the server then started on the data it had, and `error` says why); `null` when none was ever asked for.',
    access: view,
    success: { status: 200, body: z.object({ restore: RestoreOutcome.nullable() }) },
    errors: [],
  }),
  getSchedule: endpoint({
    id: 'backups.getSchedule',
    method: 'GET',
    path: '/conf/api/backups/schedule',
    listener: 'admin',
    summary: 'Read the backup schedule',
    description:
      'The schedule, its retention and the last run. The passphrase is never returned: `passphraseSource` says where it comes from.',
    access: view,
    success: { status: 200, body: BackupScheduleView },
    errors: [],
  }),
  setSchedule: endpoint({
    id: 'backups.setSchedule',
    method: 'PUT',
    path: '/conf/api/backups/schedule',
    listener: 'admin',
    summary: 'Set the backup schedule',
    description:
      'Applies at once (no restart). A passphrase given is stored encrypted with the server key `keys/secret-box.key`; left out, the stored one stays. Enabling needs a passphrase or a passphrase file.',
    access: manage,
    subject: 'backup schedule',
    body: BackupScheduleInput,
    success: { status: 200, body: BackupScheduleView },
    errors: ['INVALID_INPUT'],
  }),
};
